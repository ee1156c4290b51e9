/* test_abi.c — the shared library as a JNA binding sees it: only sam_* symbols are exported, BLAS
 * is not linked at build time (no BLAS mapped before sam_backend_init), and the basic calls work. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "samtrain.h"

static int failures;
#define CHECK(c, ...) do { if (!(c)) { failures++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } } while (0)

#ifdef __APPLE__
#include <mach-o/dyld.h>
/* macOS has no /proc: the images dyld has loaded. Accelerate (and its libBLAS) is linked on macOS, so
 * the needle there is OpenBLAS. */
#define BLAS_NEEDLE "openblas"
static int mapped(const char *needle) {
    int found = 0;
    for (uint32_t i = 0; i < _dyld_image_count(); i++) found |= strstr(_dyld_get_image_name(i), needle) != NULL;
    return found;
}
#else
#define BLAS_NEEDLE "blas"
static int mapped(const char *needle) {
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f) return -1;
    char line[4096];
    int found = 0;
    while (fgets(line, sizeof line, f)) found |= strstr(line, needle) != NULL;
    fclose(f);
    return found;
}
#endif

int main(void) {
    CHECK(sam_abi_version() == SAM_ABI_VERSION, "ABI version");
    CHECK(strstr(sam_abi_layout(), "sam_train_config size=") != NULL && strstr(sam_abi_layout(), " seed=") != NULL, "sam_abi_layout: %s", sam_abi_layout());
    CHECK(mapped(BLAS_NEEDLE) == 0, "a BLAS library is mapped before sam_backend_init: libsamtrain must not link BLAS");
    void *self = dlopen(NULL, RTLD_NOW);
    CHECK(dlsym(self, "sam_model_open") != NULL, "sam_model_open not exported");
    CHECK(dlsym(self, "mm_sgemm") == NULL && dlsym(self, "kn_gemm_packed") == NULL && dlsym(self, "par_for") == NULL && dlsym(self, "json_parse") == NULL && dlsym(self, "st_open") == NULL,
          "internal symbols are exported");
    sam_model *m = NULL;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/qwen2-tiny/fp32", SAM_TESTDATA_DIR);
    CHECK(sam_model_open(dir, &m) == SAM_OK, "open: %s", sam_last_error());
    sam_model_info info;
    CHECK(sam_model_get_info(m, &info) == SAM_OK && info.vocab_size == 320 && info.num_layers == 3, "info");
    const char *blas = getenv("SAM_BLAS_LIB");
    if (blas && blas[0]) {
        CHECK(sam_backend_init(blas, 0) == SAM_OK, "backend: %s", sam_last_error());
        if (strcmp(blas, "accelerate") != 0) /* Accelerate is linked, not loaded */
            CHECK(mapped(BLAS_NEEDLE) == 1, "BLAS not mapped after sam_backend_init");
        printf("backend: %s\n", sam_backend_name());
    }
    sam_model_free(m);
    sam_model_free(NULL);
    sam_lora_free(NULL);
    sam_trainer_free(NULL);
    sam_gen_free(NULL);
    printf("test_abi: %d failures\n", failures);
    return failures != 0;
}
