# entry: Net()
# input: x=float32[1,4]
# The outputs of every stage so far are collected in a list, which an early return inside the
# static loop returns: each exit returns the list as it was at that return, not as it ends up.
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])

    def forward(self, x):
        outs = []
        for layer in self.layers:
            x = layer(x)
            outs.append(x)
            if x.mean() > 0:
                return outs
        return outs
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = weight() {name = "layers.0.weight"} : f32[4,4] loc("list_outputs_early_return.py":11:41)
#   %2 = weight() {name = "layers.0.bias"} : f32[4] loc("list_outputs_early_return.py":11:41)
#   %3 = linear(%0, %1, %2) : f32[1,4] loc("list_outputs_early_return.py":16:17)
#   %4 = reduce_mean(%3) {axes = [0, 1], keepdims = false} : f32[] loc("list_outputs_early_return.py":18:18)
#   %5 = full() {value = 0.0} : f32[] loc("list_outputs_early_return.py":18:16)
#   %6 = gt(%4, %5) : bool[] loc("list_outputs_early_return.py":18:16)
#   %7 = item(%6) : bool loc("list_outputs_early_return.py":18:13)
#   br %7, ^bb1(), ^bb2() loc("list_outputs_early_return.py":18:13)
# ^bb1:
#   ret [%3] loc("list_outputs_early_return.py":19:17)
# ^bb2:
#   %8 = weight() {name = "layers.1.weight"} : f32[4,4] loc("list_outputs_early_return.py":11:41)
#   %9 = weight() {name = "layers.1.bias"} : f32[4] loc("list_outputs_early_return.py":11:41)
#   %10 = linear(%3, %8, %9) : f32[1,4] loc("list_outputs_early_return.py":16:17)
#   %11 = reduce_mean(%10) {axes = [0, 1], keepdims = false} : f32[] loc("list_outputs_early_return.py":18:18)
#   %12 = full() {value = 0.0} : f32[] loc("list_outputs_early_return.py":18:16)
#   %13 = gt(%11, %12) : bool[] loc("list_outputs_early_return.py":18:16)
#   %14 = item(%13) : bool loc("list_outputs_early_return.py":18:13)
#   br %14, ^bb3(), ^bb4() loc("list_outputs_early_return.py":18:13)
# ^bb3:
#   ret [%3, %10] loc("list_outputs_early_return.py":19:17)
# ^bb4:
#   %15 = weight() {name = "layers.2.weight"} : f32[4,4] loc("list_outputs_early_return.py":11:41)
#   %16 = weight() {name = "layers.2.bias"} : f32[4] loc("list_outputs_early_return.py":11:41)
#   %17 = linear(%10, %15, %16) : f32[1,4] loc("list_outputs_early_return.py":16:17)
#   %18 = reduce_mean(%17) {axes = [0, 1], keepdims = false} : f32[] loc("list_outputs_early_return.py":18:18)
#   %19 = full() {value = 0.0} : f32[] loc("list_outputs_early_return.py":18:16)
#   %20 = gt(%18, %19) : bool[] loc("list_outputs_early_return.py":18:16)
#   %21 = item(%20) : bool loc("list_outputs_early_return.py":18:13)
#   br %21, ^bb5(), ^bb6() loc("list_outputs_early_return.py":18:13)
# ^bb5:
#   ret [%3, %10, %17] loc("list_outputs_early_return.py":19:17)
# ^bb6:
#   ret [%3, %10, %17] loc("list_outputs_early_return.py":20:9)
# }
