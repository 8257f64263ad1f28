// The GEMM cache blocking (mc, kc, nc), derived from the caches the machine reports with the
// analytical model of Low, Igual, Smith & Quintana-Ortí, "Analytical modeling is enough for
// high-performance BLIS" (ACM TOMS 43(2), 2016), adapted to this driver's loop order:
//
//     for ic in M by mc:             Ã  (mc × kc) packed; read once per jc block     → L3
//       for pc in K by kc:
//         for jc in N by nc:         B̃  (kc × nc) packed; read once per MR tile      → L2
//           for each MR tile of Ã:   Ã's micro-panel (MR × kc), reused by every panel → L1
//             for each NR panel of B̃: micro-kernel (the B micro-panel kc × NR streams)
//
// The roles of A and B are those of BLIS swapped (BLIS keeps Ã in L2 and a B micro-panel in
// L1); the model is the same. A cache of W ways has W sets of size/W bytes ("ways"); LRU keeps
// a block whose lines are reused if the data streaming past it fits in the other ways:
//
//   kc (L1): the streaming B micro-panel gets C_B = ⌊(W₁ − 1) / (1 + MR/NR)⌋ ways and the
//            resident Ã micro-panel about MR/NR of that, one way left for C:
//            kc = C_B · way₁ / (NR · 4 bytes)                                  (paper's eq. for k_C)
//   nc (L2): B̃ fills the ways left by one streaming Ã micro-panel and one for C, divided
//            among the cores sharing the L2 (one, except in Apple's clusters):
//            nc = (W₂ − 1 − ⌈MR·kc·4 / way₂⌉) · way₂ / (sharing · kc · 4), a multiple of NR
//   mc (L3): Ã fills the ways left by B̃ and one for C, divided among the cores that share
//            the L3: mc = (W₃ − 1 − ⌈kc·nc·4 / way₃⌉) · way₃ / (sharing · kc · 4), a multiple of MR
//
// A level the machine does not report (size, or L3 on Apple M-series) keeps the kernel's
// fixed value for the block it sizes; an unknown associativity is taken as 8 ways.
//
// Not yet in force (see rk_blocking_for): the kernels' fixed blocking is, unless overridden.
#include "gemm_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__APPLE__)
#include <sys/sysctl.h>
#endif

enum { rk_float_bytes = 4, rk_default_ways = 8 };

static long ways_of(rk_cache_level c) { return c.ways > 0 ? c.ways : rk_default_ways; }

static long way_bytes(rk_cache_level c) { return c.size / ways_of(c); }

static long ceil_div(long a, long b) { return (a + b - 1) / b; }

void rk_gemm_derive_blocking(const rk_cache_hierarchy *caches, int mr, int nr, long fallbackMC,
                             long fallbackKC, long fallbackNC, long *mc, long *kc, long *nc) {
    *mc = fallbackMC;
    *kc = fallbackKC;
    *nc = fallbackNC;
    if (!caches || mr <= 0 || nr <= 0) return;
    // L1: kc. With fewer than 3 ways the model has no room for both micro-panels.
    rk_cache_level l1 = caches->l1d;
    if (l1.size > 0 && ways_of(l1) >= 3) {
        long streaming = (ways_of(l1) - 1) * nr / (nr + mr);   // ⌊(W − 1) / (1 + MR/NR)⌋
        long depth = streaming * way_bytes(l1) / (nr * rk_float_bytes);
        if (streaming >= 1 && depth >= 16) *kc = depth;
    }
    // L2: nc.
    rk_cache_level l2 = caches->l2;
    if (l2.size > 0 && ways_of(l2) >= 3) {
        long way = way_bytes(l2);
        long ways = ways_of(l2) - 1 - ceil_div((long)mr * *kc * rk_float_bytes, way);
        long sharing = l2.sharing > 0 ? l2.sharing : 1;   // Apple's L2 serves a cluster
        long columns = ways * way / sharing / (*kc * rk_float_bytes) / nr * nr;
        if (ways >= 1 && columns >= nr) *nc = columns;
    }
    // L3: mc, this core's share.
    rk_cache_level l3 = caches->l3;
    if (l3.size > 0 && ways_of(l3) >= 3) {
        long way = way_bytes(l3), sharing = l3.sharing > 0 ? l3.sharing : 1;
        long ways = ways_of(l3) - 1 - ceil_div(*kc * *nc * rk_float_bytes, way);
        long rows = ways * way / sharing / (*kc * rk_float_bytes) / mr * mr;
        if (ways >= 1 && rows >= mr) *mc = rows;
    }
}

// MARK: - What the machine reports

#if defined(__linux__)
// The first line of a sysfs file, or "" (buffer of `size` bytes).
static void read_line(const char *path, char *out, size_t size) {
    out[0] = 0;
    FILE *f = fopen(path, "r");
    if (!f) return;
    if (!fgets(out, (int)size, f)) out[0] = 0;
    fclose(f);
    out[strcspn(out, "\n")] = 0;
}

// "32K" → 32768, "1M" → 1048576, "1024" → 1024.
static long parse_size(const char *s) {
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || v <= 0) return 0;
    if (*end == 'K') v <<= 10;
    else if (*end == 'M') v <<= 20;
    else if (*end == 'G') v <<= 30;
    return v;
}

// CPUs in a list such as "0-1" or "0-7,64-71".
static long count_cpus(const char *s) {
    long count = 0;
    while (*s) {
        char *end;
        long a = strtol(s, &end, 10);
        if (end == s) break;
        long b = a;
        if (*end == '-') { s = end + 1; b = strtol(s, &end, 10); }
        if (b >= a) count += b - a + 1;
        s = *end == ',' ? end + 1 : end;
        if (*end != ',') break;
    }
    return count;
}
#endif

void rk_gemm_machine_caches(rk_cache_hierarchy *out) {
    memset(out, 0, sizeof *out);
#if defined(__linux__)
    // sysfs, CPU 0 (glibc's sysconf(_SC_LEVEL3_CACHE_SIZE) reads cpuid, which virtual machines
    // may misreport: 320 MiB of L3 on a 32 MiB Zen 4 guest).
    char path[128], text[256];
    for (int index = 0; index < 8; index++) {
        const char *base = "/sys/devices/system/cpu/cpu0/cache/index";
        snprintf(path, sizeof path, "%s%d/level", base, index);
        read_line(path, text, sizeof text);
        if (!text[0]) break;
        int level = atoi(text);
        snprintf(path, sizeof path, "%s%d/type", base, index);
        read_line(path, text, sizeof text);
        if (strcmp(text, "Instruction") == 0) continue;
        rk_cache_level c = {0};
        snprintf(path, sizeof path, "%s%d/size", base, index);
        read_line(path, text, sizeof text);
        c.size = parse_size(text);
        snprintf(path, sizeof path, "%s%d/ways_of_associativity", base, index);
        read_line(path, text, sizeof text);
        c.ways = atol(text);
        snprintf(path, sizeof path, "%s%d/shared_cpu_list", base, index);
        read_line(path, text, sizeof text);
        c.sharing = count_cpus(text);
        if (level == 1) out->l1d = c;
        else if (level == 2) out->l2 = c;
        else if (level == 3) out->l3 = c;
    }
#elif defined(__APPLE__)
    // sysctl has sizes but no associativity (taken as 8 ways); Apple M-series report no L3.
    // The performance cores' values where the CPU has two kinds.
    const char *names[3][2] = {{"hw.perflevel0.l1dcachesize", "hw.l1dcachesize"},
                               {"hw.perflevel0.l2cachesize", "hw.l2cachesize"},
                               {"hw.perflevel0.l3cachesize", "hw.l3cachesize"}};
    rk_cache_level *levels[3] = {&out->l1d, &out->l2, &out->l3};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++) {
            long long value = 0;
            size_t size = sizeof value;
            if (sysctlbyname(names[i][j], &value, &size, NULL, 0) == 0 && value > 0) {
                levels[i]->size = (long)value;
                break;
            }
        }
    long long perL2 = 0;
    size_t size = sizeof perL2;
    if (sysctlbyname("hw.perflevel0.cpusperl2", &perL2, &size, NULL, 0) == 0 && perL2 > 0)
        out->l2.sharing = (long)perL2;
#endif
}

// MARK: - The blocking in force

static long derived[RK_KERNEL_COUNT][3];
static pthread_once_t derivedOnce = PTHREAD_ONCE_INIT;

static void derive_all(void) {
    rk_cache_hierarchy caches;
    rk_gemm_machine_caches(&caches);
    for (int k = 0; k < RK_KERNEL_COUNT; k++) {
        const rk_kernel_info *info = rk_kernel_info_for(k);
        if (!info) continue;
        rk_gemm_derive_blocking(&caches, info->mr, info->nr, info->mc, info->kc, info->nc,
                                &derived[k][0], &derived[k][1], &derived[k][2]);
    }
}

// This thread's override (0: none), for tests and `bench gemm --blocking`.
static _Thread_local long overrideBlocking[3];

void rk_gemm_set_thread_blocking(long mc, long kc, long nc) {
    overrideBlocking[0] = mc;
    overrideBlocking[1] = kc;
    overrideBlocking[2] = nc;
}

int rk_gemm_kernel_derived_blocking(int kernel, long *mc, long *kc, long *nc) {
    const rk_kernel_info *info = rk_kernel_info_for(kernel);
    if (!info) return -1;
    pthread_once(&derivedOnce, derive_all);
    *mc = info->mc;
    *kc = info->kc;
    *nc = info->nc;
    for (int k = 0; k < RK_KERNEL_COUNT; k++)
        if (derived[k][0] > 0 && rk_kernel_info_for(k) == info) {
            *mc = derived[k][0];
            *kc = derived[k][1];
            *nc = derived[k][2];
        }
    return 0;
}

// In force: the kernel's fixed blocking, unless this thread overrides it. The derived one is
// not in force yet: on Zen 4 it made the char training step 7% slower in CPU time (its kc of
// 160 splits K = 512 into four blocks, and each block is another pass over C; the model has
// no term for that traffic), so it is reported (`derived_*` in bench lines) and can be run
// with `bench gemm --blocking derived`, until the model includes C and is checked per CPU.
rk_blocking rk_blocking_for(const rk_kernel_info *info) {
    rk_blocking b = {.mc = info->mc, .kc = info->kc, .nc = info->nc};
    if (overrideBlocking[0] > 0 && overrideBlocking[1] > 0 && overrideBlocking[2] > 0) {
        // Multiples of the tile, as the driver needs.
        b.mc = (overrideBlocking[0] + info->mr - 1) / info->mr * info->mr;
        b.kc = overrideBlocking[1];
        b.nc = (overrideBlocking[2] + info->nr - 1) / info->nr * info->nr;
    }
    return b;
}
