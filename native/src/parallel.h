/* parallel.h — the library's threads (bottom layer: calls nothing else in the library).
 * One primitive, par_for (par_for_guided is built on it): a loop over [0, n) cut into chunks that
 * idle threads take in order (a dynamic schedule: on a laptop the cores are shared with the JVM and
 * other programs, and a static split waits for any descheduled thread). Each index is handled by exactly one call of the body,
 * and no body may depend on which thread runs it or on chunk boundaries — that is the determinism
 * rule of the library: every output element is computed by one thread in a fixed order, so results
 * are bitwise independent of the thread count and the schedule.
 * Implementation: OpenMP when the build found it and asked for it (-DSAM_PARALLEL=openmp), otherwise
 * (the default, and the only choice with stock Apple clang) a small pthread pool in parallel.c. */
#ifndef SAM_PARALLEL_H
#define SAM_PARALLEL_H

/* Threads for the library's parallel loops: set by sam_backend_init; 0 or less = the default. */
void par_set_threads(int n);
int par_threads(void);
/* All usable cores (Linux: the affinity mask), on Apple Silicon the performance cores only. */
int par_default_threads(void);

/* body(ctx, i0, i1) handles indices [i0, i1). */
typedef void (*par_body)(void *ctx, long i0, long i1);
/* Runs body over [0, n) on up to `threads` threads in chunks of `chunk` indices. threads <= 1,
 * n <= chunk, a call from inside another par_for, or a concurrent call while the pool is busy with
 * another caller's loop: runs body(ctx, 0, n) in the calling thread. */
void par_for(long n, long chunk, int threads, par_body body, void *ctx);
/* The same loop with chunks that shrink as the work runs out (OpenMP's "guided" schedule, taken in order):
 * about n / (2 threads) indices first, then each chunk a fixed share of what is left, down to min_chunk.
 * The first chunks keep long contiguous runs (a mat-vec's weight stream stays sequential); the last ones
 * are short, so a thread slowed by other work does not leave the others waiting for a long chunk at the
 * end of the loop. */
void par_for_guided(long n, long min_chunk, int threads, par_body body, void *ctx);
/* "openmp" or "pthreads". */
const char *par_impl(void);

#endif
