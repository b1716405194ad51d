"""Times the original model in eager PyTorch on every sample input (the baseline for dynnc bench).

Usage: bench_pytorch.py --checkpoint checkpoint.pt --inputs-dir inputs [--iterations 200] [--threads 2]
Prints one row per input: median, p10 and p90 latency in microseconds and the exit taken.
"""
import argparse
import glob
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models.sdn import build_model  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--inputs-dir", required=True)
    p.add_argument("--iterations", type=int, default=500)
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    model = build_model(num_classes=10)
    model.load_state_dict(torch.load(a.checkpoint, map_location="cpu"))
    model.eval()
    print("%-16s %10s %10s %10s  %s" % ("input", "median_us", "p10_us", "p90_us", "exit"))
    with torch.no_grad():
        for f in sorted(glob.glob(os.path.join(a.inputs_dir, "*.npy"))):
            x = torch.from_numpy(np.load(f))
            for _ in range(a.warmup):
                model(x)
            ts = []
            for _ in range(a.iterations):
                t0 = time.perf_counter_ns()
                _, exit_index = model(x)
                ts.append(time.perf_counter_ns() - t0)
            ts.sort()
            n = len(ts)
            print("%-16s %10.1f %10.1f %10.1f  %d" % (os.path.basename(f), ts[n // 2] / 1e3, ts[n // 10] / 1e3,
                                                       ts[n * 9 // 10] / 1e3, exit_index))


if __name__ == "__main__":
    main()
