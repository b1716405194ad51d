"""Builds one differential test case with Debian's PyTorch.

make_case.py MODEL.py OUT_DIR: imports MODEL.py, evaluates its `# entry:` expression (and calls its
`# method:`, forward by default), randomizes
parameters and batch-norm statistics (seeded), saves the state_dict to OUT_DIR/weights.pt, and
for every input set of the `# inputs:` scales writes OUT_DIR/case<i>/in_<name>.npy plus the
model's outputs in eval mode flattened depth-first (tuples/lists by index, dicts in insertion
order, Python scalars as 0-d arrays) as OUT_DIR/case<i>/output_<k>.npy.

Each `# special: NAME[i,j,...]=VALUE ...` line adds one more input set after the scaled ones:
random inputs of scale 1 with the listed elements set to VALUE (nan, inf, -inf or a number), to
check that NaN and infinities flow through the compiled model as through PyTorch.

A model whose header has `# raises: TEXT | TEXT ...` may raise on some input sets (an index out of
range, a math domain error): PyTorch's exception is written to OUT_DIR/case<i>/raises.txt instead of outputs, and the
compiled model must raise there too, with one TEXT in its message. Without that header an exception fails the
case, as before.
"""
import importlib.util
import os
import sys

import numpy as np
import torch

DTYPES = {"float32": torch.float32, "float64": torch.float64, "int64": torch.int64}


def header(path):
    entry, inputs, scales, method, specials = None, [], [1.0], "forward", []
    raises = None
    for line in open(path):
        if line.startswith("# method:"):
            method = line.split(":", 1)[1].strip()
        elif line.startswith("# entry:"):
            entry = line.split(":", 1)[1].strip()
        elif line.startswith("# input:"):
            name, spec = line.split(":", 1)[1].strip().split("=")
            dtype, dims = spec.split("[")
            inputs.append((name, dtype, [int(d) for d in dims.rstrip("]\n ").split(",") if d.strip()]))
        elif line.startswith("# inputs:"):
            scales = [float(s) for s in line.split(":", 1)[1].split(",")]
        elif line.startswith("# special:"):
            specials.append([special(item) for item in line.split(":", 1)[1].split()])
        elif line.startswith("# raises:"):
            raises = line.split(":", 1)[1].strip()
    return entry, inputs, scales, method, specials, raises


def special(item):
    """'v[1,2]=-inf' -> ('v', (1, 2), -inf)."""
    target, value = item.split("=")
    name, index = target.rstrip("]").split("[")
    return name, tuple(int(i) for i in index.split(",")), float(value)


def flatten(v, out):
    if isinstance(v, torch.Tensor):
        out.append(v.detach().contiguous().numpy())  # a view (swapaxes) may be strided
    elif isinstance(v, (np.ndarray, np.generic)):
        out.append(np.asarray(v))  # numpy's own dtype, as dynnc must keep it
    elif isinstance(v, bool):
        out.append(np.array(v, dtype=np.bool_))
    elif isinstance(v, int):
        out.append(np.array(v, dtype=np.int64))
    elif isinstance(v, float):
        out.append(np.array(v, dtype=np.float64))
    elif isinstance(v, (tuple, list)):
        for x in v:
            flatten(x, out)
    elif isinstance(v, dict):
        for x in v.values():
            flatten(x, out)
    elif v is not None:
        raise TypeError("cannot flatten %r" % type(v))


def main():
    model_path, out = sys.argv[1], sys.argv[2]
    entry, inputs, scales, method, specials, raises = header(model_path)
    unknown = {t for c in specials for t, _, _ in c} - {name for name, _, _ in inputs}
    if unknown:
        raise ValueError("# special: names no '# input:' %s" % sorted(unknown))
    spec = importlib.util.spec_from_file_location("case_model", model_path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    torch.manual_seed(0)
    model = eval(entry, vars(mod))
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for name, t in model.state_dict().items():
            if t.dtype.is_floating_point:
                if name.endswith("running_var"):
                    t.copy_(torch.rand(t.shape, generator=g) + 0.5)
                else:
                    t.copy_(torch.randn(t.shape, generator=g) * 0.5)
    model.eval()
    os.makedirs(out, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(out, "weights.pt"))
    for i, (scale, changes) in enumerate([(s, []) for s in scales] + [(1.0, c) for c in specials]):
        case = os.path.join(out, "case%d" % i)
        os.makedirs(case, exist_ok=True)
        args = []
        for name, dtype, dims in inputs:
            if dtype == "float32":
                x = torch.randn(dims, generator=g) * scale
            else:
                x = torch.randint(0, 5, dims, generator=g)
            for target, index, value in changes:
                if target == name:
                    x[index] = value
            np.save(os.path.join(case, "in_%s.npy" % name), x.numpy())
            args.append(x)
        with torch.no_grad():
            try:
                result = getattr(model, method)(*args)
            except (IndexError, RuntimeError, ValueError, OverflowError, ZeroDivisionError) as e:
                if raises is None:
                    raise
                with open(os.path.join(case, "raises.txt"), "w") as f:
                    f.write("%s: %s\n" % (type(e).__name__, str(e).splitlines()[0]))
                continue
        leaves = []
        flatten(result, leaves)
        for k, leaf in enumerate(leaves):
            np.save(os.path.join(case, "output_%d.npy" % k), leaf)


if __name__ == "__main__":
    main()
