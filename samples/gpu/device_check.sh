#!/usr/bin/env bash
# The GPU check, run on a machine with an NVIDIA GPU from the repository root, over what
# samples/gpu/prepare.sh put in .gpu/: every sample's CUDA bundle on every sample input, compared
# with PyTorch's outputs (computed on the CPU by Debian's PyTorch when the bundles were built), then
# timed with dynnc bench (the samples whose outputs matched) and, where the machine's python3 has a
# CUDA PyTorch, eager PyTorch on the GPU.
#
# Usage: samples/gpu/device_check.sh [LOG_DIR] [--no-bench]
# Exit status: 0 when every output matches, 1 otherwise.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
logs="${1:-/tmp/dynnc-gpu-logs}"
bench=1
[ "${2:-}" = --no-bench ] && bench=0
mkdir -p "$logs"
. samples/gpu/kit.sh
"$java" -version 2>&1 | head -1
nvidia-smi -L || true
tar -C "$work" -xJf "$g/refs.tar.xz"
dynnc() {
  "$java" -Dorg.bytedeco.javacpp.platform.extension=-gpu -cp "$cp" dev.dynnc.cli.Main "$@"
}
status=0
matched=()
while read -r name input; do
  args=()
  for f in $(ls "samples/$name/inputs/"*.npy | sort); do args+=(--input "$input=$f"); done
  start=$(date +%s%N)
  if dynnc run "$work/bundles/$name.cuda" "${args[@]}" --output-dir "$work/out/$name" \
    > "$logs/$name.run.log" 2>&1; then
    printf '%-16s run of %d inputs on the GPU: %d ms (one JVM, bundle load included)\n' \
      "$name" "$(( ${#args[@]} / 2 ))" "$(( ($(date +%s%N) - start) / 1000000 ))"
    python3 samples/gpu/compare.py "$name" "samples/$name/inputs" "$work/out/$name" \
      "$work/refs/$name" && matched+=("$name") || status=1
  else
    echo "$name: dynnc run FAILED"; tail -20 "$logs/$name.run.log"; status=1
  fi
done < samples/gpu/samples.txt
if [ $bench = 1 ]; then
  for name in "${matched[@]}"; do
    input="$(awk -v n="$name" '$1 == n {print $2}' samples/gpu/samples.txt)"
    args=()
    for f in $(ls "samples/$name/inputs/"*.npy | sort); do args+=(--input "$input=$f"); done
    echo "== $name: dynnc bench of the CUDA bundle"
    dynnc bench "$work/bundles/$name.cuda" \
      "${args[@]}" --warmup 100 --iterations 300 2>&1 | tee "$logs/$name.bench.log"
  done
  python3 samples/gpu/torch_gpu_bench.py 2>&1 | tee "$logs/torch_gpu.log"
fi
rm -rf "$work"
exit $status
