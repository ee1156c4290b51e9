/* kernels_blas.c — CBLAS loaded at run time with dlopen/dlsym. The library never links against
 * BLAS at build time, so a Maven-delivered OpenBLAS (org.bytedeco:openblas) or a system libopenblas
 * can be chosen by path at run time. On macOS (SAM_ACCELERATE) Apple's Accelerate framework, which
 * is part of every macOS, is linked and selected by the name "accelerate": its cblas_sgemm runs on
 * the AMX units of M-series chips with its own threads. (Not compiled or run here: no Mac.) */
#include "kernels.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* CBLAS enums (cblas.h): CblasRowMajor = 101, CblasNoTrans = 111, CblasTrans = 112. */
typedef void (*cblas_sgemm_fn)(int, int, int, int, int, int, float, const float *, int,
                               const float *, int, float, float *, int);

struct kn_blas {
    void *handle;
    int own_threads;            /* the library threads itself (Accelerate): never sliced by matmul.c */
    cblas_sgemm_fn sgemm;
    void (*set_threads)(int);   /* openblas_set_num_threads */
    char *(*corename)(void);    /* openblas_get_corename */
    char *(*config)(void);      /* openblas_get_config */
    char path[1024];
};

#define MAX_LOADED 8
static kn_blas g_loaded[MAX_LOADED];
static int g_nloaded;

int kn_blas_open(const char *path, kn_blas **out) {
    /* Called under the backend lock (kernels.c). Libraries stay loaded: unloading a BLAS with
     * worker threads is unsafe and switching back and forth must be cheap. */
    for (int i = 0; i < g_nloaded; i++)
        if (strcmp(g_loaded[i].path, path) == 0) { *out = &g_loaded[i]; return SAM_OK; }
    if (strlen(path) >= sizeof g_loaded[0].path)
        return err_set(SAM_ERR_BACKEND, "BLAS library path is too long (%zu bytes). HINT: use a shorter path.", strlen(path));
    if (g_nloaded == MAX_LOADED)
        return err_set(SAM_ERR_BACKEND, "too many different BLAS libraries loaded (%d). HINT: pick one BLAS library per process.", MAX_LOADED);
    dlerror();
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        return err_set(SAM_ERR_BACKEND, "cannot load BLAS library %s: %s. HINT: pass the path of a shared library exporting cblas_sgemm "
                       "(e.g. libopenblas.so.0 extracted from the org.bytedeco:openblas jar), or NULL/\"\" for the built-in kernels.",
                       path, e ? e : "unknown error");
    }
    cblas_sgemm_fn f = (cblas_sgemm_fn)dlsym(h, "cblas_sgemm");
    if (!f) {
        dlclose(h);
        return err_set(SAM_ERR_BACKEND, "%s does not export cblas_sgemm. HINT: pass a CBLAS library such as OpenBLAS, or NULL for the built-in kernels.", path);
    }
    kn_blas *b = &g_loaded[g_nloaded];
    memset(b, 0, sizeof *b);
    b->handle = h;
    b->sgemm = f;
    b->set_threads = (void (*)(int))dlsym(h, "openblas_set_num_threads");
    b->corename = (char *(*)(void))dlsym(h, "openblas_get_corename");
    b->config = (char *(*)(void))dlsym(h, "openblas_get_config");
    snprintf(b->path, sizeof b->path, "%s", path);
    g_nloaded++;
    *out = b;
    return SAM_OK;
}

void kn_blas_set_threads(kn_blas *b, int n) {
    if (b->set_threads) b->set_threads(n);
}

void kn_blas_describe(const kn_blas *b, int threads, char *dst, size_t cap) {
    if (b->own_threads) {
        snprintf(dst, cap, "accelerate (cblas_sgemm, Apple AMX/NEON, its own threads; %d thread%s for SAM's loops)",
                 threads, threads == 1 ? "" : "s");
        return;
    }
    const char *base = strrchr(b->path, '/');
    base = base ? base + 1 : b->path;
    const char *how = "SAM slices"; /* matmul.c runs the BLAS single-threaded on slices of C */
    if (b->config)
        snprintf(dst, cap, "%s (core %s) %d thread%s (%s)", b->config(), b->corename ? b->corename() : "?",
                 threads, threads == 1 ? "" : "s", how);
    else
        snprintf(dst, cap, "cblas %s %d thread%s (%s%s)", base, threads, threads == 1 ? "" : "s", how,
                 b->set_threads ? "" : "; the library's own thread count is not controllable");
}

void kn_blas_sgemm(const kn_blas *b, int ta, int tb, int M, int N, int K, float alpha,
                   const float *A, int lda, const float *B, int ldb, float beta, float *C, int ldc) {
    b->sgemm(101, ta ? 112 : 111, tb ? 112 : 111, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

int kn_blas_own_threads(const kn_blas *b) {
    return b->own_threads;
}

#ifdef SAM_ACCELERATE
#include <Accelerate/Accelerate.h>

/* The Accelerate prototype uses its own enum types; row-major only, as everywhere in the library. */
static void accelerate_sgemm(int order, int ta, int tb, int M, int N, int K, float alpha, const float *A, int lda,
                             const float *B, int ldb, float beta, float *C, int ldc) {
    (void)order;
    cblas_sgemm(CblasRowMajor, ta == 112 ? CblasTrans : CblasNoTrans, tb == 112 ? CblasTrans : CblasNoTrans, M, N, K,
                alpha, A, lda, B, ldb, beta, C, ldc);
}

static kn_blas g_accelerate = {NULL, 1, accelerate_sgemm, NULL, NULL, NULL, "accelerate"};

int kn_blas_accelerate(kn_blas **out) {
    *out = &g_accelerate;
    return SAM_OK;
}
#else
int kn_blas_accelerate(kn_blas **out) {
    *out = NULL;
    return err_set(SAM_ERR_BACKEND, "the Accelerate backend exists only on macOS. HINT: use the built-in kernels (NULL) or a CBLAS library path such as libopenblas.so.0.");
}
#endif
