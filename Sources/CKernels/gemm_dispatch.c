// Run-time choice of the micro-kernel, and per-thread packing scratch.
#include "gemm_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

int rk_gemm_kernel_supported(int kernel) {
    switch (kernel) {
    case RK_KERNEL_PORTABLE: return 1;
#ifdef RK_X86
    case RK_KERNEL_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case RK_KERNEL_AVX512: return __builtin_cpu_supports("avx512f");
#endif
#ifdef RK_ARM64
    case RK_KERNEL_NEON: return 1;  // Advanced SIMD is part of every arm64 CPU
#endif
    default: return 0;
    }
}

int rk_gemm_kernel_best(void) {
    static const int preference[] = {RK_KERNEL_AVX512, RK_KERNEL_AVX2, RK_KERNEL_NEON};
    for (size_t i = 0; i < sizeof preference / sizeof preference[0]; i++)
        if (rk_gemm_kernel_supported(preference[i])) return preference[i];
    return RK_KERNEL_PORTABLE;
}

int rk_gemm_kernel_from_environment(void) {
    const char *name = getenv("RECURRENT_GEMM_KERNEL");
    if (!name) return -1;
    static const char *const names[RK_KERNEL_COUNT] = {"portable", "avx2", "avx512", "neon"};
    for (int k = 0; k < RK_KERNEL_COUNT; k++)
        if (strcmp(name, names[k]) == 0) return k;
    return -1;
}

// -1 until first use; then the kernel in force.
static atomic_int current = -1;

int rk_gemm_kernel_current(void) {
    int k = atomic_load_explicit(&current, memory_order_relaxed);
    if (k >= 0) return k;
    int wanted = rk_gemm_kernel_from_environment();
    k = wanted >= 0 && rk_gemm_kernel_supported(wanted) ? wanted : rk_gemm_kernel_best();
    int expected = -1;
    // A concurrent rk_gemm_set_kernel wins over the default.
    if (!atomic_compare_exchange_strong(&current, &expected, k)) k = expected;
    return k;
}

int rk_gemm_set_kernel(int kernel) {
    if (!rk_gemm_kernel_supported(kernel)) return -1;
    atomic_store(&current, kernel);
    return 0;
}

const rk_kernel_info *rk_kernel_info_for(int kernel) {
    if (kernel < 0) kernel = rk_gemm_kernel_current();
    if (!rk_gemm_kernel_supported(kernel)) return NULL;
    switch (kernel) {
    case RK_KERNEL_PORTABLE: return rk_kernel_portable_info();
#ifdef RK_X86
    case RK_KERNEL_AVX2: return rk_kernel_avx2_info();
    case RK_KERNEL_AVX512: return rk_kernel_avx512_info();
#endif
#ifdef RK_ARM64
    case RK_KERNEL_NEON: return rk_kernel_neon_info();
#endif
    default: return NULL;
    }
}

int rk_gemm_kernel_nr(int kernel) {
    const rk_kernel_info *info = rk_kernel_info_for(kernel);
    return info ? info->nr : 0;
}

int rk_gemm_kernel_mr(int kernel) {
    const rk_kernel_info *info = rk_kernel_info_for(kernel);
    return info ? info->mr : 0;
}

int rk_gemm_kernel_blocking(int kernel, long *mc, long *kc, long *nc) {
    const rk_kernel_info *info = rk_kernel_info_for(kernel);
    if (!info) return -1;
    rk_blocking b = rk_blocking_for(info);
    *mc = b.mc;
    *kc = b.kc;
    *nc = b.nc;
    return 0;
}

// MARK: - Scratch

typedef struct { float *data; size_t capacity; } scratch;

static pthread_key_t scratchKey;
static pthread_once_t scratchOnce = PTHREAD_ONCE_INIT;

static void scratch_free(void *value) {
    scratch *s = value;
    for (int i = 0; i < RK_SCRATCH_SLOTS; i++) free(s[i].data);
    free(s);
}

static void scratch_init(void) { pthread_key_create(&scratchKey, scratch_free); }

float *rk_thread_scratch(int slot, size_t floats) {
    pthread_once(&scratchOnce, scratch_init);
    scratch *slots = pthread_getspecific(scratchKey);
    if (!slots) {
        slots = calloc(RK_SCRATCH_SLOTS, sizeof *slots);
        if (!slots || pthread_setspecific(scratchKey, slots) != 0) { free(slots); return NULL; }
    }
    scratch *s = &slots[slot];
    if (s->capacity < floats) {
        size_t bytes = (floats * sizeof(float) + 63) / 64 * 64;  // aligned_alloc: a multiple
        void *p = aligned_alloc(64, bytes > 0 ? bytes : 64);
        if (!p) return NULL;
        free(s->data);
        s->data = p;
        s->capacity = floats;
    }
    return s->data;
}
