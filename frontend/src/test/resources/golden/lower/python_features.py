# entry: Net()
# input: x=float32[1,4]
# input: mask=float32[1,4]
# Two inputs, an optional argument tested with `is not None`, a keyword-only default, a property,
# a staticmethod, a lambda attribute, a closure, starred unpacking and calls, chained comparisons.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.act = lambda t: F.relu(t)
        self.fc = nn.Linear(4, 4)

    @property
    def width(self):
        return self.fc.out_features

    @staticmethod
    def scale(t, k=2):
        return t * k

    def forward(self, x, mask=None, *, temperature=1.0):
        def inner(t):
            return self.act(t) + 1

        if mask is not None:
            x = x * mask
        shape = (x.size(0), self.width)
        y = inner(self.fc(x)).view(*shape)
        a, *rest = y.size()
        b = y.view(a, *rest).clamp(min=0).permute(1, 0).contiguous().view(-1)
        c = torch.where(b > 0.5, b, torch.zeros_like(b))
        if 0 < len(rest) < 3:
            c = c + (torch.sigmoid(c) > 0.5).float()
        return Net.scale(c) / temperature, None, y.size()[1]
# ---- expected ----
# func @forward(%0 "x": f32[1,4], %1 "mask": f32[1,4]) {
# ^bb0:
#   %2 = mul(%0, %1) : f32[1,4] loc("python_features.py":30:19)
#   %3 = weight() {name = "fc.weight"} : f32[4,4] loc("python_features.py":15:22)
#   %4 = weight() {name = "fc.bias"} : f32[4] loc("python_features.py":15:22)
#   %5 = linear(%2, %3, %4) : f32[1,4] loc("python_features.py":32:24)
#   %6 = relu(%5) : f32[1,4] loc("python_features.py":14:32)
#   %7 = full() {value = 1.0} : f32[] loc("python_features.py":27:32)
#   %8 = add(%6, %7) : f32[1,4] loc("python_features.py":27:32)
#   %9 = clip(%8) {max = Infinity, min = 0.0} : f32[1,4] loc("python_features.py":34:30)
#   %10 = transpose(%9) {perm = [1, 0]} : f32[4,1] loc("python_features.py":34:43)
#   %11 = reshape(%10) {shape = [4]} : f32[4] loc("python_features.py":34:70)
#   %12 = full() {value = 0.5} : f32[] loc("python_features.py":35:25)
#   %13 = gt(%11, %12) : bool[4] loc("python_features.py":35:25)
#   %14 = full() {value = 0.0} : f32[4] loc("python_features.py":35:43)
#   %15 = where(%13, %11, %14) : f32[4] loc("python_features.py":35:19)
#   %16 = sigmoid(%15) : f32[4] loc("python_features.py":37:28)
#   %17 = full() {value = 0.5} : f32[] loc("python_features.py":37:22)
#   %18 = gt(%16, %17) : bool[4] loc("python_features.py":37:22)
#   %19 = cast(%18) {dtype = "f32"} : f32[4] loc("python_features.py":37:46)
#   %20 = add(%15, %19) : f32[4] loc("python_features.py":37:19)
#   %21 = full() {value = 2.0} : f32[] loc("python_features.py":23:18)
#   %22 = mul(%20, %21) : f32[4] loc("python_features.py":23:18)
#   %23 = full() {value = 1.0} : f32[] loc("python_features.py":38:29)
#   %24 = div(%22, %23) : f32[4] loc("python_features.py":38:29)
#   %25 = const() {value = 4} : i64 loc("python_features.py":38:9)
#   ret (%24, None, %25) loc("python_features.py":38:9)
# }
