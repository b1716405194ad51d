# entry: Net()
# input: x=float32[1,4]
# A break under a data-dependent condition inside a static loop: the loop is unrolled with an exit
# after each step, and the exits meet after the loop.
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])

    def forward(self, x):
        used = 0
        for layer in self.layers:
            x = layer(x)
            used += 1
            if x.max() > 3:
                break
        return x, used
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = weight() {name = "layers.0.weight"} : f32[4,4] loc("for_dynamic_break.py":11:41)
#   %2 = weight() {name = "layers.0.bias"} : f32[4] loc("for_dynamic_break.py":11:41)
#   %3 = linear(%0, %1, %2) : f32[1,4] loc("for_dynamic_break.py":16:17)
#   %4 = reduce_max(%3) {axes = [0, 1], keepdims = false} : f32[] loc("for_dynamic_break.py":18:18)
#   %5 = full() {value = 3.0} : f32[] loc("for_dynamic_break.py":18:16)
#   %6 = gt(%4, %5) : bool[] loc("for_dynamic_break.py":18:16)
#   %7 = item(%6) : bool loc("for_dynamic_break.py":18:13)
#   br %7, ^bb1(), ^bb2() loc("for_dynamic_break.py":18:13)
# ^bb1:
#   %23 = const() {value = 1} : i64 loc("for_dynamic_break.py":15:9)
#   jump ^bb7(%23, %3) loc("for_dynamic_break.py":15:9)
# ^bb2:
#   %8 = weight() {name = "layers.1.weight"} : f32[4,4] loc("for_dynamic_break.py":11:41)
#   %9 = weight() {name = "layers.1.bias"} : f32[4] loc("for_dynamic_break.py":11:41)
#   %10 = linear(%3, %8, %9) : f32[1,4] loc("for_dynamic_break.py":16:17)
#   %11 = reduce_max(%10) {axes = [0, 1], keepdims = false} : f32[] loc("for_dynamic_break.py":18:18)
#   %12 = full() {value = 3.0} : f32[] loc("for_dynamic_break.py":18:16)
#   %13 = gt(%11, %12) : bool[] loc("for_dynamic_break.py":18:16)
#   %14 = item(%13) : bool loc("for_dynamic_break.py":18:13)
#   br %14, ^bb3(), ^bb4() loc("for_dynamic_break.py":18:13)
# ^bb3:
#   %24 = const() {value = 2} : i64 loc("for_dynamic_break.py":15:9)
#   jump ^bb7(%24, %10) loc("for_dynamic_break.py":15:9)
# ^bb4:
#   %15 = weight() {name = "layers.2.weight"} : f32[4,4] loc("for_dynamic_break.py":11:41)
#   %16 = weight() {name = "layers.2.bias"} : f32[4] loc("for_dynamic_break.py":11:41)
#   %17 = linear(%10, %15, %16) : f32[1,4] loc("for_dynamic_break.py":16:17)
#   %18 = reduce_max(%17) {axes = [0, 1], keepdims = false} : f32[] loc("for_dynamic_break.py":18:18)
#   %19 = full() {value = 3.0} : f32[] loc("for_dynamic_break.py":18:16)
#   %20 = gt(%18, %19) : bool[] loc("for_dynamic_break.py":18:16)
#   %21 = item(%20) : bool loc("for_dynamic_break.py":18:13)
#   br %21, ^bb5(), ^bb6() loc("for_dynamic_break.py":18:13)
# ^bb5:
#   %25 = const() {value = 3} : i64 loc("for_dynamic_break.py":15:9)
#   jump ^bb7(%25, %17) loc("for_dynamic_break.py":15:9)
# ^bb6:
#   %26 = const() {value = 3} : i64 loc("for_dynamic_break.py":15:9)
#   jump ^bb7(%26, %17) loc("for_dynamic_break.py":15:9)
# ^bb7(%22: i64, %27: f32[1,4]):
#   ret (%27, %22) loc("for_dynamic_break.py":20:9)
# }
