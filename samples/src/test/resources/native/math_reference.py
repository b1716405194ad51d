"""CPython's results of math_edges.py's functions, for NativeHostTest: run as
math_reference.py MODEL OUT OPS BITS..., it calls the model's forward for each op in range(OPS) on
each float64 given by its bits (16 hex digits) and writes one line per call to OUT:
"op bits f:<hex bits of a float result>", "f:nan", "i:<an int result>" or "e:<the error's message>".
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
for op in range(int(sys.argv[3])):
    for h in sys.argv[4:]:
        x = struct.unpack(">d", bytes.fromhex(h))[0]
        try:
            r = net(torch.tensor([op]), torch.tensor([x], dtype=torch.float64))
        except (ValueError, OverflowError) as e:
            lines.append("%d %s e:%s" % (op, h, e))
            continue
        if isinstance(r, int):
            lines.append("%d %s i:%d" % (op, h, r))
        elif math.isnan(r):
            lines.append("%d %s f:nan" % (op, h))
        else:
            lines.append("%d %s f:%s" % (op, h, struct.pack(">d", float(r)).hex()))
with open(sys.argv[2], "w") as out:
    out.write("\n".join(lines) + "\n")
