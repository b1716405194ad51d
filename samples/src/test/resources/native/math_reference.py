"""CPython's results of math_edges.py's functions, for NativeHostTest: run as
math_reference.py MODEL CASES OUT, it calls the model's forward on each line "op xbits ybits" of
CASES (floats as the 16 hex digits of their bits) and writes one line per case to OUT:
"f:<hex bits of a float result>", "f:nan", "i:<an int result>", "c:" (a complex result) or
"e:<the error's message>".
"""
import importlib.util
import math
import struct
import sys
import warnings

import torch

spec = importlib.util.spec_from_file_location("math_edges", sys.argv[1])
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
net = mod.Net().eval()
warnings.simplefilter("ignore")  # numpy's warnings at a pole or past the float range
lines = []
with open(sys.argv[2]) as cases:
    for case in cases:
        op, xh, yh = case.split()
        x, y = (struct.unpack(">d", bytes.fromhex(h))[0] for h in (xh, yh))
        try:
            r = net(torch.tensor([int(op)]), torch.tensor([x, y], dtype=torch.float64))
        except (ValueError, OverflowError, ZeroDivisionError) as e:
            lines.append("e:%s" % e)
            continue
        if isinstance(r, complex):
            lines.append("c:")
        elif isinstance(r, int):
            lines.append("i:%d" % r)
        elif math.isnan(r):
            lines.append("f:nan")
        else:
            lines.append("f:%s" % struct.pack(">d", float(r)).hex())
with open(sys.argv[3], "w") as out:
    out.write("\n".join(lines) + "\n")
