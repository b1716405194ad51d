#!/usr/bin/env bash
# Prepares the GPU check on this machine (no GPU needed): compiles every sample for
# `cuda -arch=ARCH`, computes PyTorch's outputs on the CPU, and packs what the GPU machine needs
# into .gpu/ (git-ignored, under 64 MiB): a Java runtime (jlink), dynnc's jars with TVM's GPU
# runtime, the CUDA 12 libraries that runtime links, the bundles and the reference outputs. Then
# samples/gpu/device_check.sh and device_stress.sh run there (README, GPU, has the command).
#
# Usage: samples/gpu/prepare.sh [ARCH]     (default sm_90: H100 and H200)
# Needs: mvn -Pgpu -q -B install -DskipTests (TVM's GPU build in cli/target/lib), nvcc (TVM builds
# the kernels with it), /usr/bin/python3 with torch, and once about 2 GB of download: the CUDA 12
# libraries TVM's GPU build links (org.bytedeco:cuda's redist jar from Maven Central), of which
# 0.65 GB are kept in .gpu/cuda12-full/.
set -euo pipefail
arch="${1:-sm_90}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
lib=cli/target/lib
gpu_jar="$lib/tvm-0.18.0-1.5.11-linux-x86_64-gpu.jar"
[ -f "$gpu_jar" ] || { echo "no $gpu_jar: run 'mvn -Pgpu -q -B install -DskipTests' first" >&2; exit 2; }
command -v nvcc >/dev/null || [ -x /usr/local/cuda/bin/nvcc ] || { echo "nvcc not found" >&2; exit 2; }
export PATH="$PATH:/usr/local/cuda/bin"
g="$root/.gpu"
mkdir -p "$g"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# 1. CUDA 12's libraries for compiling here: TVM's GPU build links them even to compile.
full="$g/cuda12-full"
if [ ! -f "$full/libcudart.so.12" ]; then
  mkdir -p "$full"
  url=https://repo1.maven.org/maven2/org/bytedeco/cuda/12.6-9.5-1.5.11/cuda-12.6-9.5-1.5.11-linux-x86_64-redist.jar
  echo "downloading CUDA 12's libraries (2 GB) from $url"
  curl -fsSL -o "$work/redist.jar" "$url"
  for f in libcudart.so.12 libcublas.so.12 libcublasLt.so.12 libcudnn.so.9 libnvrtc.so.12 \
    libnvrtc-builtins.so.12.6; do
    unzip -q -o -j "$work/redist.jar" "org/bytedeco/cuda/linux-x86_64/$f" -d "$full"
  done
  rm -f "$work/redist.jar"
fi
mkdir -p "$work/tvm"
unzip -q -o "$gpu_jar" 'org/bytedeco/tvm/linux-x86_64-gpu/libtvm_runtime.so' \
  'org/bytedeco/tvm/linux-x86_64-gpu/libjnitvm_runtime.so' 'org/bytedeco/tvm/linux-x86_64-gpu/python/tvm/libtvm.so' \
  'META-INF/*' -d "$work/tvm"
runtime="$work/tvm/org/bytedeco/tvm/linux-x86_64-gpu/libtvm_runtime.so"
compile_libs="$full"
if ! ldconfig -p | grep -q 'libcuda.so.1 '; then
  # No NVIDIA driver here: a stand-in that only loads, enough to compile.
  samples/gpu/cuda_stubs.sh "$runtime" "$g/driver-stub" --driver \
    "$work/tvm/org/bytedeco/tvm/linux-x86_64-gpu/python/tvm/libtvm.so"
  rm -f "$g/driver-stub/libcublas.so.12" "$g/driver-stub/libcublasLt.so.12"
  compile_libs="$full:$g/driver-stub"
fi

# 2. Every sample, compiled for the GPU; PyTorch's outputs on the CPU.
rm -rf "$work/stage" && mkdir -p "$work/stage/bundles" "$work/stage/refs"
while read -r name input; do
  entry="$(/usr/bin/python3 -c "import sys; sys.path.insert(0, 'samples/bench'); import suite
s = [s for s in suite.SAMPLES if s['name'] == '$name'][0]
print(s['entry']); print(s['method']); print(s.get('type', suite.INPUT_TYPE))")"
  mapfile -t spec <<< "$entry"
  start=$(date +%s)
  (cd "samples/$name" && LD_LIBRARY_PATH="$compile_libs" "$root/bin/dynnc" compile -q \
    --target "cuda -arch=$arch" --source-root . --entry "${spec[0]}" --method "${spec[1]}" \
    --weights checkpoint.pt --input "$input=${spec[2]}" -o "$work/stage/bundles/$name.cuda")
  echo "$name: compiled for cuda -arch=$arch in $(( $(date +%s) - start )) s"
  /usr/bin/python3 samples/corpus_reference.py --sample "samples/$name" --entry "${spec[0]}" \
    --method "${spec[1]}" --checkpoint "samples/$name/checkpoint.pt" \
    --inputs-dir "samples/$name/inputs" --out-dir "$work/stage/refs/$name" > /dev/null
done < samples/gpu/samples.txt

# 3. The kit for the GPU machine, which has no Java and a CUDA of its own (13 on the H200s here).
rm -rf "$g/jars" "$g/cuda12" && mkdir -p "$g/jars" "$g/cuda12"
for j in "$lib"/*.jar; do
  case "$(basename "$j")" in
    # LLVM, CPython, NumPy and SciPy serve the compiler only; TVM's CPU build is not used there.
    llvm-*-linux-x86_64.jar | cpython* | numpy* | scipy* | tvm-*-linux-x86_64.jar | tvm-*-gpu.jar) ;;
    openblas-*-linux-x86_64.jar | dnnl-*-linux-x86_64.jar) ;; # below, as xz
    *) cp "$j" "$g/jars/" ;;
  esac
done
(cd cli/target/classes && jar cf "$g/jars/dynnc-cli.jar" .)
# The thread check and the soak, compiled here: the Java that travels has no compiler.
mkdir -p "$work/check"
javac -d "$work/check" -cp "$lib/*" samples/gpu/Threads.java samples/bench/Soak.java
(cd "$work/check" && jar cf "$g/jars/dynnc-gpu-check.jar" .)
# TVM's GPU runtime alone (2 MB of the jar's 42): bundles need no compiler there.
rm -f "$work/tvm/org/bytedeco/tvm/linux-x86_64-gpu/python/tvm/libtvm.so"
(cd "$work/tvm" && jar cf "$g/jars/tvm-0.18.0-1.5.11-linux-x86_64-gpu.jar" .)
mkdir -p "$work/nat"
for j in "$lib"/openblas-*-linux-x86_64.jar "$lib"/dnnl-*-linux-x86_64.jar; do
  d="$work/nat/$(basename "$j" .jar)"
  mkdir -p "$d" && (cd "$d" && unzip -q "$root/$j")
done
tar -C "$work/nat" -cf - . | xz -T2 -9 > "$g/natives.tar.xz"
cp "$full/libcudart.so.12" "$full/libcudnn.so.9" "$g/cuda12/"
samples/gpu/cuda_stubs.sh "$runtime" "$g/cuda12" --no-llvm
rm -rf "$work/jre"
jlink --add-modules java.base,java.compiler,java.desktop,java.logging,java.management,java.naming,java.sql,java.xml,jdk.unsupported \
  --strip-debug --no-header-files --no-man-pages --output "$work/jre"
tar -C "$work" -cf - jre | xz -T2 -6 > "$g/jre.tar.xz"
tar -C "$work/stage" -cJf "$g/bundles.tar.xz" bundles
tar -C "$work/stage" -cJf "$g/refs.tar.xz" refs
kit=$(du -cb "$g/jars" "$g/cuda12" "$g"/*.tar.xz | tail -1 | cut -f1)
echo "GPU kit in .gpu: $(( kit / 1048576 )) MiB (with the repository it must stay under 64 MiB)"
