// Compiles only where clang has the wasm32 target, wasm-ld and wasi-libc: the C tests' probe.
#include <stdio.h>

int main(void) {
  puts("toolchain ok");
  return 0;
}
