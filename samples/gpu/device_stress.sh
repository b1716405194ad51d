#!/usr/bin/env bash
# The GPU check's second part, run on the GPU machine after device_check.sh (same .gpu/ kit):
# every sample's CUDA bundle shared by 8 threads (samples/gpu/Threads.java: each result bit for bit
# a single thread's), then a soak of early_exit_cnn (samples/bench/Soak.java, all its inputs in
# turn) with the process's resident memory and the GPU's used memory sampled throughout.
#
# Usage: samples/gpu/device_stress.sh [RUNS]      (soak runs, default 100000)
# Exit status: 0 when every thread check passed.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
runs="${1:-100000}"
. samples/gpu/kit.sh
run_java() {
  "$java" -Xms256m -Xmx256m -XX:+AlwaysPreTouch -Dorg.bytedeco.javacpp.platform.extension=-gpu \
    -cp "$cp" "$@"
}
status=0
while read -r name input; do
  args=()
  for f in $(ls "samples/$name/inputs/"*.npy | sort); do args+=("$input=$f"); done
  run_java Threads "$work/bundles/$name.cuda" 8 200 "${args[@]}" 2>&1 | grep -v '^Warning' || status=1
done < samples/gpu/samples.txt
args=()
for f in $(ls samples/early_exit_cnn/inputs/*.npy | sort); do args+=("x=$f"); done
(while true; do nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits; sleep 1; done) \
  > "$work/gpu_mem.log" 2>/dev/null &
sampler=$!
run_java Soak --runs "$runs" --every $(( runs / 10 )) "$work/bundles/early_exit_cnn.cuda" "${args[@]}" \
  2>&1 | grep -v '^Warning'
kill $sampler 2>/dev/null
echo "GPU memory used (MiB), each second of the soak: $(tr '\n' ' ' < "$work/gpu_mem.log")"
rm -rf "$work"
exit $status
