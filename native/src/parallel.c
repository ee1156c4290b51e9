/* parallel.c — par_for on OpenMP or on a pthread pool (see parallel.h).
 * The pool: workers sleep on a condition variable (no spinning: the cores are shared with the JVM);
 * a loop publishes a job (body, n, chunk, how many workers may join), the caller takes chunks too,
 * and waits until every worker that joined has left. One job at a time: a second caller (another
 * generator thread) that finds the pool busy runs its loop alone, which is correct and keeps both
 * callers busy. Worker stacks are 4 MiB: the GEMM's stack driver keeps ~230 KiB of packed panels
 * on the stack, and macOS gives secondary threads only 512 KiB by default. */
#include "parallel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
#ifdef __APPLE__
#include <sys/sysctl.h>
#endif
#if defined(__linux__)
#include <sched.h>
#endif
/* par_for_guided: the chunk bounds computed up front (at most GUIDED_MAX chunks), then par_for over the
 * chunk indices one at a time (par_for hands them out in order). */
#define GUIDED_MAX 64
typedef struct {
    long bound[GUIDED_MAX + 1];
    par_body body;
    void *ctx;
} guided_job;
static void guided_body(void *ctx, long c0, long c1) {
    const guided_job *g = ctx;
    for (long c = c0; c < c1; c++) g->body(g->ctx, g->bound[c], g->bound[c + 1]);
}

void par_for_guided(long n, long min_chunk, int threads, par_body body, void *ctx) {
    if (n <= 0) return;
    if (min_chunk < 1) min_chunk = 1;
    if (threads <= 1 || n <= min_chunk) {
        par_for(n, n, 1, body, ctx);
        return;
    }
    guided_job g = {.body = body, .ctx = ctx};
    int nc = 0;
    long at = 0;
    while (at < n) {
        long size = (n - at) / (2L * threads);
        if (size < min_chunk) size = min_chunk;
        if (nc == GUIDED_MAX - 1 || at + size > n) size = n - at; /* the last chunk takes the rest */
        g.bound[nc++] = at;
        at += size;
    }
    g.bound[nc] = n;
    par_for(nc, 1, threads, guided_body, &g);
}

#ifdef SAM_USE_OPENMP
#include <omp.h>
#endif

static atomic_int g_threads; /* 0: default */

int par_default_threads(void) {
#ifdef __APPLE__
    /* Apple Silicon: perflevel0 = performance cores; efficiency cores would make the last chunk of
     * every loop wait for a slow core. Intel Macs have no perflevels: all cores. */
    int n = 0;
    size_t len = sizeof n;
    if (sysctlbyname("hw.perflevel0.logicalcpu", &n, &len, NULL, 0) == 0 && n > 0) return n;
#endif
#if defined(__linux__) && defined(CPU_COUNT)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
#endif
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    return c > 0 ? (int)c : 1;
}

void par_set_threads(int n) {
    atomic_store(&g_threads, n > 0 ? n : 0);
}

int par_threads(void) {
    const int n = atomic_load_explicit(&g_threads, memory_order_relaxed);
    return n > 0 ? n : par_default_threads();
}

#ifdef SAM_USE_OPENMP

const char *par_impl(void) { return "openmp"; }

void par_for(long n, long chunk, int threads, par_body body, void *ctx) {
    if (n <= 0) return;
    if (chunk < 1) chunk = 1;
    if (threads <= 1 || n <= chunk || omp_in_parallel()) {
        body(ctx, 0, n);
        return;
    }
    const long nchunk = (n + chunk - 1) / chunk;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (long c = 0; c < nchunk; c++) body(ctx, c * chunk, (c + 1) * chunk < n ? (c + 1) * chunk : n);
}

#else

#define MAX_WORKERS 255
#define STACK_BYTES ((size_t)4 << 20)

static struct {
    pthread_mutex_t job_lock;   /* held by the caller whose loop owns the pool */
    pthread_mutex_t mu;         /* guards everything below */
    pthread_cond_t wake, done;
    int nworkers;
    unsigned long gen;          /* job generation */
    par_body body;
    void *ctx;
    long n, chunk;
    int seats;                  /* workers that may still join this job */
    int active;                 /* workers inside this job */
    atomic_long next;           /* next unclaimed index */
} P = {.job_lock = PTHREAD_MUTEX_INITIALIZER, .mu = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER,
       .done = PTHREAD_COND_INITIALIZER};

static _Thread_local int t_inside; /* this thread is running a par_for body */

const char *par_impl(void) { return "pthreads"; }

static void run_chunks(par_body body, void *ctx, long n, long chunk) {
    for (;;) {
        const long i0 = atomic_fetch_add_explicit(&P.next, chunk, memory_order_relaxed);
        if (i0 >= n) return;
        body(ctx, i0, i0 + chunk < n ? i0 + chunk : n);
    }
}

static void *worker(void *arg) {
    (void)arg;
    t_inside = 1;
    pthread_mutex_lock(&P.mu);
    unsigned long seen = P.gen;
    for (;;) {
        while (P.gen == seen) pthread_cond_wait(&P.wake, &P.mu);
        seen = P.gen;
        if (P.seats <= 0) continue;
        P.seats--;
        P.active++;
        const par_body body = P.body;
        void *ctx = P.ctx;
        const long n = P.n, chunk = P.chunk;
        pthread_mutex_unlock(&P.mu);
        run_chunks(body, ctx, n, chunk);
        pthread_mutex_lock(&P.mu);
        if (--P.active == 0) pthread_cond_signal(&P.done);
    }
    return NULL;
}

/* Called with job_lock held. Returns the number of workers available. */
static int grow(int want) {
    if (want > MAX_WORKERS) want = MAX_WORKERS;
    while (P.nworkers < want) {
        pthread_attr_t attr;
        pthread_t th;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, STACK_BYTES);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        const int rc = pthread_create(&th, &attr, worker, NULL);
        pthread_attr_destroy(&attr);
        if (rc != 0) break; /* fewer threads is slower, not wrong */
        pthread_mutex_lock(&P.mu);
        P.nworkers++;
        pthread_mutex_unlock(&P.mu);
    }
    return P.nworkers;
}

void par_for(long n, long chunk, int threads, par_body body, void *ctx) {
    if (n <= 0) return;
    if (chunk < 1) chunk = 1;
    if (threads <= 1 || n <= chunk || t_inside || pthread_mutex_trylock(&P.job_lock) != 0) {
        body(ctx, 0, n);
        return;
    }
    const long nchunk = (n + chunk - 1) / chunk;
    int helpers = grow(threads - 1);
    if (helpers > nchunk - 1) helpers = (int)(nchunk - 1);
    pthread_mutex_lock(&P.mu);
    P.body = body;
    P.ctx = ctx;
    P.n = n;
    P.chunk = chunk;
    P.seats = helpers;
    atomic_store_explicit(&P.next, 0, memory_order_relaxed);
    P.gen++;
    pthread_cond_broadcast(&P.wake);
    pthread_mutex_unlock(&P.mu);

    t_inside = 1;
    run_chunks(body, ctx, n, chunk);
    t_inside = 0;

    pthread_mutex_lock(&P.mu);
    P.seats = 0; /* late wakers must not join a finished job */
    while (P.active > 0) pthread_cond_wait(&P.done, &P.mu);
    pthread_mutex_unlock(&P.mu);
    pthread_mutex_unlock(&P.job_lock);
}

#endif
