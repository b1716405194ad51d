# entry: Net()
# input: x=float32[1,4]
# A forward that returns a Python scalar: an int computed at compile time from shapes.
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        return x.size(0) * x.shape[1] + x.dim()
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = const() {value = 6} : i64 loc("returns_scalar.py":9:9)
#   ret %1 loc("returns_scalar.py":9:9)
# }
