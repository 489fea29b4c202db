/* Compute kernels, C side: the plain loops of bench/kernels/compute.ts, built with
 * `gcc -O2` (which vectorizes what it may without reordering floating-point sums), with the
 * same sizes, data, repetitions, checks and output, so bench/compute.ts compares the two.
 * Not an MPI program: the issue asks what a Wasm kernel costs against C on one core.
 *
 *   gcc -O2 -o compute bench/c/compute.c && ./compute [sum|dot|stencil|matmul ...] [--quick]
 *
 * One JSON line per kernel, variant "plain":
 *   {"impl":"c","test":"sum","variant":"plain","size":10000000,"sweeps":0,"reps":10,
 *    "ms":8.01,"min_ms":7.9,"max_ms":8.3,"checksum":2497500000}
 * A result that fails its check ends the program before its line is printed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Sizes and repetitions: mirrored in bench/kernels/compute.ts. */
struct sizes {
  int vector, grid, sweeps, matrix, warmup, reps;
};
static const struct sizes FULL = {10000000, 2048, 10, 512, 2, 10};
static const struct sizes QUICK = {1000000, 512, 4, 128, 1, 3};

/* ---- kernels ---- */

__attribute__((noinline)) static double sum(const double *a, int n) {
  double s = 0.0;
  for (int i = 0; i < n; i++) s += a[i];
  return s;
}

__attribute__((noinline)) static double dot(const double *a, const double *b, int n) {
  double s = 0.0;
  for (int i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

/* One Jacobi-style sweep over the interior of an n×n grid, from u into v. */
__attribute__((noinline)) static void stencil(const double *u, double *v, int n) {
  for (int i = 1; i < n - 1; i++) {
    const double *p = u + (size_t)i * n;
    double *q = v + (size_t)i * n;
    for (int j = 1; j < n - 1; j++) {
      double around = p[j - n] + p[j + n] + p[j - 1] + p[j + 1];
      q[j] = 0.5 * p[j] + 0.125 * around;
    }
  }
}

/* c += a × b for n×n row-major matrices, in i-k-j order (unit stride in the inner loop). */
__attribute__((noinline)) static void matmul(const double *a, const double *b, double *c, int n) {
  for (int i = 0; i < n; i++) {
    double *ci = c + (size_t)i * n;
    for (int k = 0; k < n; k++) {
      double aik = a[(size_t)i * n + k];
      const double *bk = b + (size_t)k * n;
      for (int j = 0; j < n; j++) ci[j] += aik * bk[j];
    }
  }
}

/* ---- timing, checks, output ---- */

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void fail(const char *test, double got, double want) {
  fprintf(stderr, "compute: %s gave %.17g, not %.17g\n", test, got, want);
  exit(3);
}

static int by_value(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

static double rounded(double x) { return (double)(int64_t)(x * 1e4 + 0.5) / 1e4; }

/* Median, min and max of the timed repetitions in ms; sorts `times`. */
static void report(const char *test, int size, int sweeps, double *times, int n, double checksum) {
  qsort(times, n, sizeof *times, by_value);
  double median = n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
  printf("{\"impl\":\"c\",\"test\":\"%s\",\"variant\":\"plain\",\"size\":%d,\"sweeps\":%d,"
         "\"reps\":%d,\"ms\":%.4f,\"min_ms\":%.4f,\"max_ms\":%.4f,\"checksum\":%.17g}\n",
         test, size, sweeps, n, rounded(median), rounded(times[0]), rounded(times[n - 1]),
         checksum);
  fflush(stdout);
}

static double *alloc(size_t doubles) {
  double *p = malloc(doubles * sizeof(double));
  if (p == NULL) {
    fprintf(stderr, "compute: out of memory\n");
    exit(2);
  }
  return p;
}

static double checksum_of(const double *p, size_t count) {
  double s = 0.0;
  for (size_t i = 0; i < count; i++) s += p[i];
  return s;
}

/* Σ (i mod 1000) / 2 over i < n, in closed form. */
static double expected_sum(int n) {
  int64_t cycles = n / 1000, rest = n % 1000;
  return (double)(cycles * 499500 + rest * (rest - 1) / 2) * 0.5;
}

/* Σ (i mod 1000) × (i mod 7 − 3) / 2 over i < n, by whole periods of 7000. */
static double expected_dot(int n) {
  int64_t period = 0, tail = 0;
  for (int i = 0; i < 7000; i++) period += (int64_t)(i % 1000) * ((i % 7) - 3);
  for (int i = n - n % 7000; i < n; i++) tail += (int64_t)(i % 1000) * ((i % 7) - 3);
  return (double)((int64_t)(n / 7000) * period + tail) * 0.5;
}

static void run_vectors(const char *test, const struct sizes *s) {
  int n = s->vector;
  double *a = alloc(n), *b = alloc(n);
  for (int i = 0; i < n; i++) {
    a[i] = (double)(i % 1000) * 0.5;
    b[i] = (double)((i % 7) - 3);
  }
  int is_sum = strcmp(test, "sum") == 0;
  double expected = is_sum ? expected_sum(n) : expected_dot(n);
  double *times = alloc(s->reps), result = 0.0;
  for (int r = 0; r < s->warmup + s->reps; r++) {
    double start = now_ms();
    result = is_sum ? sum(a, n) : dot(a, b, n);
    double ms = now_ms() - start;
    if (result != expected) fail(test, result, expected);
    if (r >= s->warmup) times[r - s->warmup] = ms;
  }
  report(test, n, 0, times, s->reps, result);
  free(a);
  free(b);
  free(times);
}

static void run_stencil(const struct sizes *s) {
  int n = s->grid;
  size_t cells = (size_t)n * n;
  double *start0 = alloc(cells), *u = alloc(cells), *v = alloc(cells);
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) start0[(size_t)i * n + j] = (double)((i * 31 + j * 17) % 1000);
  }
  double *times = alloc(s->reps), checksum = 0.0;
  for (int r = 0; r < s->warmup + s->reps; r++) {
    /* Both grids start as the initial one, so the fixed boundary is in each. */
    memcpy(u, start0, cells * sizeof(double));
    memcpy(v, start0, cells * sizeof(double));
    double *from = u, *to = v;
    double start = now_ms();
    for (int k = 0; k < s->sweeps; k++) {
      stencil(from, to, n);
      double *t = from;
      from = to;
      to = t;
    }
    double ms = now_ms() - start;
    double sum = checksum_of(from, cells);
    if (r > 0 && sum != checksum) fail("stencil (another repetition)", sum, checksum);
    checksum = sum;
    if (r >= s->warmup) times[r - s->warmup] = ms;
  }
  report("stencil", n, s->sweeps, times, s->reps, checksum);
  free(start0);
  free(u);
  free(v);
  free(times);
}

static void run_matmul(const struct sizes *s) {
  int n = s->matrix;
  size_t cells = (size_t)n * n;
  double *a = alloc(cells), *b = alloc(cells), *c = alloc(cells);
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < n; j++) {
      a[(size_t)i * n + j] = (double)((i * 7 + j * 3) % 11 - 5);
      b[(size_t)i * n + j] = (double)((i * 5 + j * 13) % 9 - 4);
    }
  }
  /* Σ over i, j of (a × b)[i][j] = Σ over k of (column k of a summed) × (row k of b summed). */
  double expected = 0.0;
  for (int k = 0; k < n; k++) {
    double column = 0.0, row = 0.0;
    for (int i = 0; i < n; i++) column += a[(size_t)i * n + k];
    for (int j = 0; j < n; j++) row += b[(size_t)k * n + j];
    expected += column * row;
  }
  double *times = alloc(s->reps), checksum = 0.0;
  for (int r = 0; r < s->warmup + s->reps; r++) {
    memset(c, 0, cells * sizeof(double));
    double start = now_ms();
    matmul(a, b, c, n);
    double ms = now_ms() - start;
    checksum = checksum_of(c, cells);
    if (checksum != expected) fail("matmul", checksum, expected);
    if (r >= s->warmup) times[r - s->warmup] = ms;
  }
  report("matmul", n, 0, times, s->reps, checksum);
  free(a);
  free(b);
  free(c);
  free(times);
}

int main(int argc, char **argv) {
  static const char *const kernels[] = {"sum", "dot", "stencil", "matmul"};
  const char *chosen[4];
  int count = 0;
  const struct sizes *s = &FULL;
  for (int i = 1; i < argc; i++) {
    int known = 0;
    if (strcmp(argv[i], "--quick") == 0) {
      s = &QUICK;
      continue;
    }
    for (int k = 0; k < 4; k++) {
      if (strcmp(argv[i], kernels[k]) == 0 && count < 4) {
        chosen[count++] = kernels[k];
        known = 1;
      }
    }
    if (!known) {
      fprintf(stderr, "usage: compute [sum|dot|stencil|matmul ...] [--quick]\n");
      return 2;
    }
  }
  if (count == 0) {
    for (int k = 0; k < 4; k++) chosen[count++] = kernels[k];
  }
  for (int k = 0; k < count; k++) {
    if (strcmp(chosen[k], "stencil") == 0) run_stencil(s);
    else if (strcmp(chosen[k], "matmul") == 0) run_matmul(s);
    else run_vectors(chosen[k], s);
  }
  return 0;
}
