# Sourced by device_check.sh and device_stress.sh on the GPU machine: unpacks the .gpu/ kit that
# prepare.sh packed into a fresh work directory. Sets g (the kit), work, java (the machine's Java
# 17+ or the kit's), cp (dynnc's class path) and LD_LIBRARY_PATH (the kit's CUDA 12 libraries and
# stand-ins, then the driver's).
g="$root/.gpu"
work="$(mktemp -d /tmp/dynnc-gpu-XXXXXX)"
java=java
if ! java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])'; then
  tar -C "$work" -xJf "$g/jre.tar.xz"
  java="$work/jre/bin/java"
fi
export LD_LIBRARY_PATH="$g/cuda12:/usr/local/nvidia/lib64:${LD_LIBRARY_PATH:-}"
# The native libraries of OpenBLAS and oneDNN travel as one xz archive (half the size of their
# jars) and become jars again here.
mkdir -p "$work/nat" "$work/jars"
tar -C "$work/nat" -xJf "$g/natives.tar.xz"
for d in "$work/nat"/*/; do
  (cd "$d" && python3 -m zipfile -c "$work/jars/$(basename "$d").jar" $(ls))
done
tar -C "$work" -xJf "$g/bundles.tar.xz"
cp="$g/jars/*:$work/jars/*"
