# entry: build()
# input: x=float32[1,8]
# An inheritance chain: super().__init__() and super(C, self).__init__(), a class attribute
# read through self and through the class, and a forward that extends its parent's via super().
import torch
import torch.nn as nn


class Base(nn.Module):
    expansion = 2

    def __init__(self, width):
        super().__init__()
        self.width = width
        self.fc = nn.Linear(width, width * self.expansion)

    def forward(self, x):
        return torch.relu(self.fc(x))


class Middle(Base):
    def __init__(self, width, scale=0.5):
        super(Middle, self).__init__(width)
        self.scale = scale

    def forward(self, x):
        return super().forward(x) * self.scale


class Top(Middle):
    expansion = 4

    def __init__(self, width):
        super().__init__(width, scale=2.0)
        self.head = nn.Linear(width * Top.expansion, 3)

    def forward(self, x):
        y = super(Top, self).forward(x)
        return self.head(y)


def build():
    return Top(8)
# ---- expected ----
# func @forward(%0 "x": f32[1,8]) {
# ^bb0:
#   %1 = weight() {name = "fc.weight"} : f32[32,8] loc("inheritance_super.py":15:22)
#   %2 = weight() {name = "fc.bias"} : f32[32] loc("inheritance_super.py":15:22)
#   %3 = linear(%0, %1, %2) : f32[1,32] loc("inheritance_super.py":18:32)
#   %4 = relu(%3) : f32[1,32] loc("inheritance_super.py":18:22)
#   %5 = full() {value = 2.0} : f32[] loc("inheritance_super.py":27:35)
#   %6 = mul(%4, %5) : f32[1,32] loc("inheritance_super.py":27:35)
#   %7 = weight() {name = "head.weight"} : f32[3,32] loc("inheritance_super.py":35:24)
#   %8 = weight() {name = "head.bias"} : f32[3] loc("inheritance_super.py":35:24)
#   %9 = linear(%6, %7, %8) : f32[1,3] loc("inheritance_super.py":39:21)
#   ret %9 loc("inheritance_super.py":39:9)
# }
