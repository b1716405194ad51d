#!/usr/bin/python3
"""Run the early-exit CNN in PyTorch (eager) and write reference outputs.

Usage: /usr/bin/python3 reference.py --checkpoint FILE --inputs-dir DIR --out-dir DIR

For every *.npy in inputs-dir (sorted) writes <out>/<stem>/output_0.npy (logits, float32),
<out>/<stem>/output_1.npy (exit index, 0-d int64) and <out>/reference.json (file -> exit).
"""
import argparse
import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def run(args):
    import numpy as np
    import torch
    from models.sdn import build_model

    torch.set_num_threads(2)
    model = build_model()
    state = torch.load(args.checkpoint, map_location="cpu")
    model.load_state_dict(state)
    model.eval()

    files = sorted(glob.glob(os.path.join(args.inputs_dir, "*.npy")))
    if not files:
        raise RuntimeError(f"no *.npy files in {args.inputs_dir}")
    os.makedirs(args.out_dir, exist_ok=True)
    result = {}
    with torch.no_grad():
        for path in files:
            name = os.path.basename(path)
            x = np.load(path)
            if x.dtype != np.float32 or x.shape != (1, 3, 32, 32):
                raise RuntimeError(f"{name}: expected float32 [1,3,32,32], got {x.dtype} {x.shape}")
            logits, exit_idx = model(torch.from_numpy(np.ascontiguousarray(x)))
            stem = os.path.splitext(name)[0]
            d = os.path.join(args.out_dir, stem)
            os.makedirs(d, exist_ok=True)
            np.save(os.path.join(d, "output_0.npy"), logits.numpy().astype(np.float32))
            np.save(os.path.join(d, "output_1.npy"), np.array(int(exit_idx), dtype=np.int64))
            result[name] = int(exit_idx)
            print(f"{name}: exit {int(exit_idx)}")
    with open(os.path.join(args.out_dir, "reference.json"), "w") as f:
        json.dump(result, f, indent=2, sort_keys=True)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description="PyTorch reference outputs for the early-exit CNN")
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--inputs-dir", required=True)
    ap.add_argument("--out-dir", required=True)
    args = ap.parse_args()
    try:
        run(args)
    except Exception as e:  # noqa: BLE001
        print(f"reference.py: error: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
