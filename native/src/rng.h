/* rng.h — deterministic random numbers, independent of libc.
 * splitmix64 (Steele, Lea, Flood 2014) seeds and hashes; xoshiro256** (Blackman & Vigna 2018) is
 * the sequential generator (LoRA init, sampling). Dropout masks use a counter-based hash instead of
 * a stream, so that a mask can be regenerated in backward and in activation-checkpoint recompute
 * without storing it: keep(key, i) = hash(key, i) >= p * 2^32. */
#ifndef SAM_RNG_H
#define SAM_RNG_H

#include <stdint.h>

static inline uint64_t splitmix64_next(uint64_t *s) {
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Stateless mix of one 64-bit value (the splitmix64 finalizer). */
static inline uint64_t mix64(uint64_t z) {
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

typedef struct { uint64_t s[4]; } xoshiro256;

static inline void xoshiro_seed(xoshiro256 *r, uint64_t seed) {
    uint64_t sm = seed;
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64_next(&sm);
}

static inline uint64_t rotl64(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t xoshiro_next(xoshiro256 *r) {
    uint64_t *s = r->s;
    const uint64_t result = rotl64(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return result;
}

/* Uniform in [0, 1) with 24 random bits (exactly representable as float). */
static inline float xoshiro_uniform(xoshiro256 *r) {
    return (float)(xoshiro_next(r) >> 40) * (1.0f / 16777216.0f);
}

/* Uniform in [0, 1) with 53 random bits. */
static inline double xoshiro_uniform_d(xoshiro256 *r) {
    return (double)(xoshiro_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Dropout key for (seed, micro-batch counter, layer, module). */
static inline uint64_t dropout_key(uint64_t seed, uint64_t counter, int layer, int module) {
    return mix64(mix64(mix64(seed) ^ counter) ^ ((uint64_t)layer * 16 + (uint64_t)module));
}

/* 32 random bits for element i under key. */
static inline uint32_t dropout_bits(uint64_t key, uint64_t i) {
    return (uint32_t)(mix64(key ^ (i * 0xD1B54A32D192ED03ull)) >> 32);
}

#endif
