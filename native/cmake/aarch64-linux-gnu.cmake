# Cross-compiling native/ for Linux arm64 with Debian's gcc-aarch64-linux-gnu; ctest runs the test
# programs under qemu-aarch64 (Debian qemu-user) with the cross sysroot. Used by ci/arm64.sh.
#   cmake -S native -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=native/cmake/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(SAM_CROSS_PREFIX aarch64-linux-gnu- CACHE STRING "cross tool prefix")
set(CMAKE_C_COMPILER ${SAM_CROSS_PREFIX}gcc)
set(SAM_AARCH64_SYSROOT /usr/aarch64-linux-gnu CACHE PATH "target libraries (libc, libgomp) for qemu")
set(CMAKE_FIND_ROOT_PATH ${SAM_AARCH64_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
find_program(SAM_QEMU_AARCH64 qemu-aarch64 qemu-aarch64-static REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR ${SAM_QEMU_AARCH64} -L ${SAM_AARCH64_SYSROOT})
