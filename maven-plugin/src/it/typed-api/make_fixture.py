"""Writes the fixture's checkpoint, two inputs (one per exit) and PyTorch's outputs for them.

Run with Debian's PyTorch: /usr/bin/python3 make_fixture.py. With --check it writes nothing and
exits 1 unless the committed files are what this script produces (inputs and weights exactly, logits
within 1e-5, as BLAS implementations differ in the last bits), so the references the integration
test compares with are PyTorch's."""

import os
import sys

import numpy as np
import torch

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "model"))
from tiny.exit_net import build_model  # noqa: E402


def files():
    torch.manual_seed(7)
    model = build_model().eval()
    out = {}
    out["model/tiny_exit.pt"] = model.state_dict()
    found = {}
    g = torch.Generator().manual_seed(11)
    for trial in range(2000):
        x = torch.randn(1, 3, 8, 8, generator=g) * (0.5 + trial % 7)
        with torch.no_grad():
            r = model(x)
        if r["exit"] not in found:
            found[r["exit"]] = (x, r["logits"])
        if len(found) == 2:
            break
    assert sorted(found) == [0, 1], "inputs must take both exits, found %s" % sorted(found)
    for e, (x, logits) in found.items():
        out["src/test/resources/x%d.npy" % e] = x.numpy()
        out["src/test/resources/logits%d.npy" % e] = logits.numpy()
    return out


def main():
    check = "--check" in sys.argv
    bad = []
    for rel, value in files().items():
        path = os.path.join(here, rel)
        if rel.endswith(".pt"):
            if check:
                saved = torch.load(path)
                if saved.keys() != value.keys() or any(not torch.equal(saved[k], value[k]) for k in value):
                    bad.append(rel)
            else:
                torch.save(value, path)
        else:
            if check:
                saved = np.load(path)
                # Inputs come from torch's seeded generator and match bit for bit; logits go through
                # the BLAS the machine has, whose last bits differ between implementations.
                same = (np.array_equal(saved, value) if "/x" in rel
                        else saved.shape == value.shape and np.allclose(saved, value, rtol=0, atol=1e-5))
                if not same:
                    bad.append(rel)
            else:
                np.save(path, value)
    if bad:
        print("stale fixture files: " + ", ".join(bad))
        sys.exit(1)


if __name__ == "__main__":
    main()
