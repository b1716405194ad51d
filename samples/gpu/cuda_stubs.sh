#!/usr/bin/env bash
# Writes stand-ins for CUDA libraries that TVM's GPU runtime links but a dynnc bundle never calls,
# for a machine that lacks them (the device check's machine has CUDA 13, whose cuBLAS is
# libcublas.so.13, while TVM's GPU build links CUDA 12's): libcublas.so.12 and libcublasLt.so.12
# (TVM calls them only for -libs=cublas, which dynnc does not use); with --driver, libcuda.so.1
# for compiling on a machine without an NVIDIA driver; with --no-llvm, an empty libjniLLVM.so for
# a machine that runs bundles without LLVM's 160 MB library (TVM's runtime preset names LLVM's
# preset as a parent, so JavaCPP loads its JNI library, which no bundle calls). Every stand-in
# function returns an error code, so a call that was not expected fails in TVM's error checks
# instead of doing nothing.
#
# Usage: cuda_stubs.sh LIBTVM_RUNTIME.so OUT_DIR [--driver LIBTVM.so] [--no-llvm]
set -euo pipefail
runtime="$1"
out="$2"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The undefined symbols of $1 bound to version $2 (readelf prints NAME@VERSION (N)).
undefined() {
  readelf --dyn-syms -W "$1" | awk '$7 == "UND" {print $8}' | grep "@$2" | sed 's/@.*//' | sort -u
}
for lib in libcublas.so.12 libcublasLt.so.12; do
  syms="$(undefined "$runtime" "$lib")"
  {
    echo "$lib {"
    echo "  global:"
    for s in $syms; do echo "    $s;"; done
    echo "  local: *;"
    echo "};"
  } > "$work/$lib.map"
  # cuBLAS status 1 is CUBLAS_STATUS_NOT_INITIALIZED.
  for s in $syms; do echo "int $s(void) { return 1; }"; done > "$work/$lib.c"
  gcc -shared -fPIC -Wl,-soname,"$lib" -Wl,--version-script,"$work/$lib.map" \
    -o "$out/$lib" "$work/$lib.c"
done
driver=""
no_llvm=0
shift 2
while [ $# -gt 0 ]; do
  case "$1" in
    --driver) driver="$2"; shift 2 ;;
    --no-llvm) no_llvm=1; shift ;;
    *) echo "cuda_stubs.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ $no_llvm = 1 ]; then
  echo "" | gcc -shared -fPIC -x c - -o "$out/libjniLLVM.so"
fi
if [ -n "$driver" ]; then
  # The driver API is not versioned. Status 100 is CUDA_ERROR_NO_DEVICE.
  syms="$(for f in "$runtime" "$driver"; do
    readelf --dyn-syms -W "$f" | awk '$7 == "UND" {print $8}' | grep -E '^cu[A-Z]' | sed 's/@.*//'
  done | sort -u)"
  for s in $syms; do
    if [ "$s" = cuGetErrorName ] || [ "$s" = cuGetErrorString ]; then
      echo "int $s(int e, const char **p) { if (p) *p = \"CUDA_ERROR_NO_DEVICE (dynnc's stand-in driver)\"; return 0; }"
    else
      echo "int $s(void) { return 100; }"
    fi
  done > "$work/libcuda.c"
  gcc -shared -fPIC -Wl,-soname,libcuda.so.1 -o "$out/libcuda.so.1" "$work/libcuda.c"
fi
