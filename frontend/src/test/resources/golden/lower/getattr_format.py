# entry: Net(groups=2, per_group=2)
# input: x=float32[1,4]
# Layers registered with setattr(self, 'g{}_l{}'.format(g, i), ...) and fetched in forward with getattr.
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, groups, per_group):
        super().__init__()
        self.groups = groups
        self.per_group = per_group
        for g in range(groups):
            for i in range(per_group):
                setattr(self, 'g{}_l{}'.format(g, i), nn.Linear(4, 4))

    def forward(self, x):
        for g in range(self.groups):
            for i in range(self.per_group):
                x = getattr(self, 'g{}_l{}'.format(g, i))(x)
            if hasattr(self, 'skip{}'.format(g)):
                x = x * 0
        return x
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = weight() {name = "g0_l0.weight"} : f32[4,4] loc("getattr_format.py":14:58)
#   %2 = weight() {name = "g0_l0.bias"} : f32[4] loc("getattr_format.py":14:58)
#   %3 = linear(%0, %1, %2) : f32[1,4] loc("getattr_format.py":19:21)
#   %4 = weight() {name = "g0_l1.weight"} : f32[4,4] loc("getattr_format.py":14:58)
#   %5 = weight() {name = "g0_l1.bias"} : f32[4] loc("getattr_format.py":14:58)
#   %6 = linear(%3, %4, %5) : f32[1,4] loc("getattr_format.py":19:21)
#   %7 = weight() {name = "g1_l0.weight"} : f32[4,4] loc("getattr_format.py":14:58)
#   %8 = weight() {name = "g1_l0.bias"} : f32[4] loc("getattr_format.py":14:58)
#   %9 = linear(%6, %7, %8) : f32[1,4] loc("getattr_format.py":19:21)
#   %10 = weight() {name = "g1_l1.weight"} : f32[4,4] loc("getattr_format.py":14:58)
#   %11 = weight() {name = "g1_l1.bias"} : f32[4] loc("getattr_format.py":14:58)
#   %12 = linear(%9, %10, %11) : f32[1,4] loc("getattr_format.py":19:21)
#   ret %12 loc("getattr_format.py":22:9)
# }
