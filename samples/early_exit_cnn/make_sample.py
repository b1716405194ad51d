#!/usr/bin/python3
"""Regenerate the early-exit CNN sample: checkpoint + test inputs + expected exits.

Trains build_model() briefly (CPU, deterministic) on a synthetic 10-class task where every class
is a random smooth prototype image and samples are prototype + Gaussian noise of varying level,
so that clean inputs are classified confidently by the first internal classifier and noisy ones
need deeper exits. Then picks test inputs so that every exit (0, 1, 2) is taken by at least two
of them, and every confidence compared against the threshold is at least MARGIN away from it.

Usage: /usr/bin/python3 make_sample.py [--out-dir DIR]   (default: this script's directory)
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from models.sdn import build_model  # noqa: E402

SEED = 1234
NUM_CLASSES = 10
THRESHOLD = 0.9
MARGIN = 0.02  # hard minimum distance of every compared confidence from THRESHOLD
PREFERRED_MARGIN = 0.05
STEPS = 1500
BATCH = 64
MAX_NOISE = 3.0
PER_EXIT = 3  # inputs selected per exit (9 in total)


def make_prototypes(gen):
    """One smooth 3x32x32 image per class: random 3x4x4 grid, bilinearly upsampled, unit std."""
    coarse = torch.randn(NUM_CLASSES, 3, 4, 4, generator=gen)
    protos = F.interpolate(coarse, size=(32, 32), mode="bilinear", align_corners=False)
    protos = protos / protos.std(dim=(1, 2, 3), keepdim=True)
    return protos


def make_batch(protos, labels, noise, gen):
    return protos[labels] + noise.view(-1, 1, 1, 1) * torch.randn(
        labels.shape[0], 3, 32, 32, generator=gen)


def all_head_logits(model, x):
    """Logits of every head (exit 0, exit 1, final), bypassing forward's early return."""
    outs = []
    for i, block in enumerate(model.blocks):
        x = block(x)
        if i < len(model.exits):
            outs.append(model.exits[i](x))
    outs.append(model.final(x))
    return outs


def train(model, protos, gen):
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    model.train()
    for step in range(STEPS):
        labels = torch.randint(0, NUM_CLASSES, (BATCH,), generator=gen)
        noise = torch.rand(BATCH, generator=gen) * MAX_NOISE
        x = make_batch(protos, labels, noise, gen)
        loss = sum(F.cross_entropy(lg, labels) for lg in all_head_logits(model, x))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 100 == 0 or step == STEPS - 1:
            print(f"step {step:4d}  loss {loss.item():.4f}")


def exit_confidences(model, x):
    """[N, 2]: max softmax probability of exit 0 and exit 1, as forward computes it."""
    heads = all_head_logits(model, x)
    conf = torch.stack([F.softmax(h, dim=1).max(dim=1).values for h in heads[:-1]], dim=1)
    return conf


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out-dir", default=HERE)
    args = ap.parse_args()

    torch.set_num_threads(2)
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    gen = torch.Generator().manual_seed(SEED)

    model = build_model(num_classes=NUM_CLASSES, threshold=THRESHOLD)
    protos = make_prototypes(gen)

    t0 = time.time()
    train(model, protos, gen)
    train_s = time.time() - t0
    print(f"training took {train_s:.1f} s")
    model.eval()

    # Candidate pool: every class at a range of noise levels (up to twice the training range,
    # so that some inputs are hard enough for the final classifier).
    levels = np.linspace(0.0, 2 * MAX_NOISE, 31).astype(np.float32)
    cand_labels, cand_noise = [], []
    for lv in levels:
        for c in range(NUM_CLASSES):
            for _ in range(2):
                cand_labels.append(c)
                cand_noise.append(lv)
    labels = torch.tensor(cand_labels)
    noise = torch.tensor(cand_noise)
    xs = make_batch(protos, labels, noise, gen).contiguous()

    with torch.no_grad():
        conf = exit_confidences(model, xs)
    thr = model.threshold
    # Decision per forward's rule, and the minimal distance to the threshold among the
    # confidences actually compared on the way to that exit.
    decided, margins = [], []
    for n in range(xs.shape[0]):
        c0, c1 = conf[n, 0].item(), conf[n, 1].item()
        if c0 >= thr:
            decided.append(0)
            margins.append(c0 - thr)
        elif c1 >= thr:
            decided.append(1)
            margins.append(min(thr - c0, c1 - thr))
        else:
            decided.append(2)
            margins.append(min(thr - c0, thr - c1))
    decided = np.array(decided)
    margins = np.array(margins)
    counts = {e: int(((decided == e)).sum()) for e in range(3)}
    print("candidate exits:", counts)

    # Per exit: PER_EXIT inputs of distinct classes, preferring a comfortable margin
    # (PREFERRED_MARGIN, falling back to MARGIN) and, to keep the story "clean inputs exit
    # early, noisy ones late", the least noisy inputs for exit 0, the most noisy for exit 2
    # and those nearest the median noise level for exit 1.
    selected = []
    for e in range(3):
        for min_margin in (PREFERRED_MARGIN, MARGIN):
            ok = [n for n in range(len(decided)) if decided[n] == e and margins[n] >= min_margin]
            if len(ok) >= PER_EXIT:
                break
        if e == 0:
            ok.sort(key=lambda n: (cand_noise[n], -margins[n], n))
        elif e == 2:
            ok.sort(key=lambda n: (-cand_noise[n], -margins[n], n))
        else:
            med = float(np.median([cand_noise[n] for n in ok])) if ok else 0.0
            ok.sort(key=lambda n: (abs(cand_noise[n] - med), -margins[n], n))
        used = set()
        picked = []
        for n in ok:
            if cand_labels[n] in used:
                continue
            used.add(cand_labels[n])
            picked.append(n)
            if len(picked) == PER_EXIT:
                break
        if len(picked) < 2:
            sys.exit(f"error: only {len(picked)} safe candidates for exit {e}")
        selected.extend(picked)

    inputs_dir = os.path.join(args.out_dir, "inputs")
    os.makedirs(inputs_dir, exist_ok=True)
    for f in os.listdir(inputs_dir):
        if f.endswith(".npy"):
            os.remove(os.path.join(inputs_dir, f))

    expected = {}
    with torch.no_grad():
        for i, n in enumerate(selected):
            x = np.ascontiguousarray(xs[n:n + 1].numpy(), dtype=np.float32)
            # Double-check against the real forward on exactly the saved array.
            logits, exit_idx = model(torch.from_numpy(x))
            if exit_idx != decided[n]:
                sys.exit(f"error: forward took exit {exit_idx}, expected {decided[n]}")
            name = f"x{i}.npy"
            np.save(os.path.join(inputs_dir, name), x)
            expected[name] = int(exit_idx)
            print(f"{name}: class {cand_labels[n]} pred {int(logits.argmax())} noise {cand_noise[n]:.1f} exit {exit_idx} "
                  f"conf0 {conf[n, 0].item():.4f} conf1 {conf[n, 1].item():.4f} "
                  f"margin {margins[n]:.4f}")

    with open(os.path.join(inputs_dir, "expected_exits.json"), "w") as f:
        json.dump(expected, f, indent=2, sort_keys=True)
        f.write("\n")
    torch.save(model.state_dict(), os.path.join(args.out_dir, "checkpoint.pt"))
    print(f"wrote {len(expected)} inputs, checkpoint to {args.out_dir}")


if __name__ == "__main__":
    main()
