// A persistent pool of worker threads for fork-join loops (the GEMM split, packing).
//
// One job runs at a time. The submitter publishes the job, then a single 64-bit `signal`
// (generation << 8 | participants). A worker whose index is below `participants` joins the
// job by incrementing the active count in `state` (generation << 17 | closed << 16 | active),
// which succeeds only while that generation is open; it then takes task indices from a
// shared counter until none are left, and leaves. The submitter works too, then closes the
// job and waits only for the workers that joined. A worker that was not running (another
// process had its core) finds the job closed when it wakes and skips it, so a busy machine
// never makes the caller wait for a thread that is not there. Idle workers spin briefly (a
// recurrent loop calls GEMM again within microseconds) and then sleep on a condition variable.
#define _GNU_SOURCE
#include "gemm_internal.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#if defined(RK_X86)
#include <immintrin.h>
#define cpu_relax() _mm_pause()
#elif defined(RK_ARM64)
#define cpu_relax() __asm__ __volatile__("yield")
#else
#define cpu_relax() ((void)0)
#endif

// Spin iterations before a worker sleeps, and before the waiting submitter yields its core.
// A pause takes ~20–140 cycles depending on the CPU (~65 on AMD Zen 2–4): about 100 µs here,
// long enough to catch the next GEMM of a recurrent loop after the step's elementwise work,
// short enough not to hold an idle core for long.
#define SPIN_BEFORE_SLEEP 6000
#define SPIN_BEFORE_YIELD 2000

static struct {
    pthread_mutex_t mutex;  // guards worker creation and sleeping
    pthread_cond_t wake;
    atomic_int busy;        // 1 while a job runs: later submitters run serially instead
    atomic_uint_fast64_t signal;  // generation << 8 | participants
    atomic_uint_fast64_t state;   // generation << 17 | closed << 16 | active workers
    atomic_int sleeping;
    int workers;            // started so far (the caller is not one)
    // The current job, written before `signal` is published.
    rk_task_fn task;
    void *context;
    long count;
    atomic_long next;
} pool = {.mutex = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static atomic_int threadCount = 0;  // 0: not yet decided

#define STATE_CLOSED ((uint64_t)1 << 16)
#define STATE_ACTIVE ((uint64_t)0xFFFF)

static void run_tasks(void) {
    long i;
    while ((i = atomic_fetch_add_explicit(&pool.next, 1, memory_order_relaxed)) < pool.count)
        pool.task(pool.context, i);
}

typedef struct { uint64_t index, seen; } worker_start;

static void *worker_main(void *arg) {
    // The generation current when the worker was created, not when it first runs: a job may
    // be published in between, and the worker must take part in it.
    const worker_start start = *(worker_start *)arg;
    free(arg);
    const uint64_t index = start.index;  // 0-based among workers
    uint64_t seen = start.seen;
    for (;;) {
        uint64_t s;
        int spins = 0;
        while (((s = atomic_load_explicit(&pool.signal, memory_order_acquire)) >> 8) == seen) {
            if (++spins < SPIN_BEFORE_SLEEP) { cpu_relax(); continue; }
            pthread_mutex_lock(&pool.mutex);
            atomic_fetch_add(&pool.sleeping, 1);  // seq_cst: pairs with the submitter's check
            while (((s = atomic_load(&pool.signal)) >> 8) == seen)
                pthread_cond_wait(&pool.wake, &pool.mutex);
            atomic_fetch_sub(&pool.sleeping, 1);
            pthread_mutex_unlock(&pool.mutex);
            break;
        }
        seen = s >> 8;
        if (index >= (s & 0xFF)) continue;  // not a participant of this job
        uint64_t st = atomic_load(&pool.state);
        int joined = 0;
        while ((st >> 17) == (seen & (UINT64_MAX >> 17)) && !(st & STATE_CLOSED)) {
            if (atomic_compare_exchange_weak(&pool.state, &st, st + 1)) { joined = 1; break; }
        }
        if (!joined) continue;  // the caller already finished this job
        run_tasks();
        atomic_fetch_sub_explicit(&pool.state, 1, memory_order_release);
    }
    return NULL;
}

// A forked child has only the forking thread: forget the parent's workers, so the child
// starts its own on first need, and re-create the lock a parent thread may have held.
static void reset_after_fork(void) {
    pthread_mutex_init(&pool.mutex, NULL);
    pthread_cond_init(&pool.wake, NULL);
    pool.workers = 0;
    atomic_store(&pool.sleeping, 0);
    atomic_store(&pool.busy, 0);
}

static pthread_once_t forkHandlerOnce = PTHREAD_ONCE_INIT;
static void install_fork_handler(void) { pthread_atfork(NULL, NULL, reset_after_fork); }

// Starts workers until there are `wanted`; returns how many exist.
static int ensure_workers(int wanted) {
    pthread_once(&forkHandlerOnce, install_fork_handler);
    pthread_mutex_lock(&pool.mutex);
    while (pool.workers < wanted) {
        pthread_t thread;
        pthread_attr_t attr;
        worker_start *start = malloc(sizeof *start);
        if (!start) break;
        start->index = (uint64_t)pool.workers;
        start->seen = atomic_load(&pool.signal) >> 8;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&thread, &attr, worker_main, start);
        pthread_attr_destroy(&attr);
        if (failed) { free(start); break; }
        pool.workers++;
    }
    int n = pool.workers;
    pthread_mutex_unlock(&pool.mutex);
    return n;
}

void rk_parallel_for(int threads, long count, rk_task_fn task, void *context) {
    if (count <= 0) return;
    if (threads <= 0) threads = rk_thread_count();
    if (threads > RK_MAX_THREADS) threads = RK_MAX_THREADS;
    if (threads > count) threads = (int)count;
    int expected = 0;
    if (threads <= 1 || !atomic_compare_exchange_strong(&pool.busy, &expected, 1)) {
        for (long i = 0; i < count; i++) task(context, i);
        return;
    }
    int participants = ensure_workers(threads - 1);
    if (participants > threads - 1) participants = threads - 1;
    pool.task = task;
    pool.context = context;
    pool.count = count;
    atomic_store_explicit(&pool.next, 0, memory_order_relaxed);
    uint64_t generation = (atomic_load_explicit(&pool.signal, memory_order_relaxed) >> 8) + 1;
    atomic_store(&pool.state, (generation & (UINT64_MAX >> 17)) << 17);  // open, none active
    atomic_store(&pool.signal, generation << 8 | (uint64_t)participants);  // seq_cst release
    if (atomic_load(&pool.sleeping) > 0) {
        pthread_mutex_lock(&pool.mutex);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.mutex);
    }
    run_tasks();
    // Close the job to late joiners, then wait for those inside to finish their last task.
    atomic_fetch_or(&pool.state, STATE_CLOSED);
    int spins = 0;
    while (atomic_load_explicit(&pool.state, memory_order_acquire) & STATE_ACTIVE) {
        if (++spins < SPIN_BEFORE_YIELD) cpu_relax();
        else sched_yield();  // a worker inside may be descheduled on a busy machine
    }
    atomic_store_explicit(&pool.busy, 0, memory_order_release);
}

int rk_available_cores(void) {
#if defined(__linux__) && defined(CPU_COUNT)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
#endif
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int rk_thread_count_from_environment(void) {
    const char *text = getenv("RECURRENT_THREADS");
    if (!text || !*text) return 0;
    char *end = NULL;
    long n = strtol(text, &end, 10);
    if (*end != '\0' || n <= 0) return 0;
    return n > RK_MAX_THREADS ? RK_MAX_THREADS : (int)n;
}

int rk_thread_count(void) {
    int n = atomic_load_explicit(&threadCount, memory_order_relaxed);
    if (n > 0) return n;
    n = rk_thread_count_from_environment();
    if (n == 0) n = rk_available_cores();
    if (n > RK_MAX_THREADS) n = RK_MAX_THREADS;
    int expected = 0;
    if (!atomic_compare_exchange_strong(&threadCount, &expected, n)) n = expected;
    return n;
}

void rk_set_thread_count(int threads) {
    if (threads < 1) threads = 1;
    if (threads > RK_MAX_THREADS) threads = RK_MAX_THREADS;
    atomic_store(&threadCount, threads);
}
