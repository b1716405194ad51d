# entry: build()
# input: x=float32[1,4]
# List and dict comprehensions, f-strings, str.format and % formatting in construction; modules
# registered under computed names with setattr and add_module, then fetched with getattr.
import math

import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, widths=(4, 6, 8)):
        super().__init__()
        pairs = [(a, b) for a, b in zip(widths, widths[1:])]
        self.names = [f"stage_{i}" for i in range(len(pairs))]
        for name, (a, b) in zip(self.names, pairs):
            setattr(self, name, nn.Linear(a, b))
        self.add_module('head_%d' % len(pairs), nn.Linear(widths[-1], 2))
        sizes = {k: v for k, v in enumerate(widths) if v % 2 == 0}
        self.label = '{}x{:.1f}-{}'.format(len(sizes), math.sqrt(16), ','.join(str(s) for s in sizes.values()))
        assert self.label == '3x4.0-4,6,8', self.label
        self.depth = len(pairs)

    def forward(self, x):
        for name in self.names:
            x = getattr(self, name)(x)
        return getattr(self, f'head_{self.depth}')(x)


def build():
    return Net()
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = weight() {name = "stage_0.weight"} : f32[6,4] loc("comprehensions_strings.py":17:36)
#   %2 = weight() {name = "stage_0.bias"} : f32[6] loc("comprehensions_strings.py":17:36)
#   %3 = linear(%0, %1, %2) : f32[1,6] loc("comprehensions_strings.py":26:17)
#   %4 = weight() {name = "stage_1.weight"} : f32[8,6] loc("comprehensions_strings.py":17:36)
#   %5 = weight() {name = "stage_1.bias"} : f32[8] loc("comprehensions_strings.py":17:36)
#   %6 = linear(%3, %4, %5) : f32[1,8] loc("comprehensions_strings.py":26:17)
#   %7 = weight() {name = "head_2.weight"} : f32[2,8] loc("comprehensions_strings.py":18:52)
#   %8 = weight() {name = "head_2.bias"} : f32[2] loc("comprehensions_strings.py":18:52)
#   %9 = linear(%6, %7, %8) : f32[1,2] loc("comprehensions_strings.py":27:16)
#   ret %9 loc("comprehensions_strings.py":27:9)
# }
