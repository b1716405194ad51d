# entry: Net()
# input: x=float32[1,4]
# A conditional expression on tensor data (rule DYN-EXPR): each side is computed only on its own
# path, and the values meet in a join block.
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        y = x * 2 if x.sum() > 0 else x - 1
        return y
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = reduce_sum(%0) {axes = [0, 1], keepdims = false} : f32[] loc("ifexp_dynamic.py":10:24)
#   %2 = full() {value = 0.0} : f32[] loc("ifexp_dynamic.py":10:22)
#   %3 = gt(%1, %2) : bool[] loc("ifexp_dynamic.py":10:22)
#   %4 = item(%3) : bool loc("ifexp_dynamic.py":10:13)
#   br %4, ^bb1(), ^bb2() loc("ifexp_dynamic.py":10:13)
# ^bb1:
#   %5 = full() {value = 2.0} : f32[] loc("ifexp_dynamic.py":10:15)
#   %6 = mul(%0, %5) : f32[1,4] loc("ifexp_dynamic.py":10:15)
#   jump ^bb3(%6) loc("ifexp_dynamic.py":10:13)
# ^bb2:
#   %7 = full() {value = 1.0} : f32[] loc("ifexp_dynamic.py":10:41)
#   %8 = sub(%0, %7) : f32[1,4] loc("ifexp_dynamic.py":10:41)
#   jump ^bb3(%8) loc("ifexp_dynamic.py":10:13)
# ^bb3(%9: f32[1,4]):
#   ret %9 loc("ifexp_dynamic.py":11:9)
# }
