# entry: Net()
# input: x=float32[1,4]
# Both branches of a data-dependent `if` assign tensors and a host scalar, then execution
# continues after the join; an `elif` chain nests a second branch in the else path.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.up = nn.Linear(4, 4)
        self.down = nn.Linear(4, 4)

    def forward(self, x):
        m = x.mean()
        if m > 0.5:
            y = self.up(x)
            n = 1
        elif m < -0.5:
            y = self.down(x)
            n = 2
        else:
            y = x
            n = 3
        return y * 2, n
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = reduce_mean(%0) {axes = [0, 1], keepdims = false} : f32[] loc("branch_join.py":16:15)
#   %2 = full() {value = 0.5} : f32[] loc("branch_join.py":17:12)
#   %3 = gt(%1, %2) : bool[] loc("branch_join.py":17:12)
#   %4 = item(%3) : bool loc("branch_join.py":17:9)
#   br %4, ^bb1(), ^bb2() loc("branch_join.py":17:9)
# ^bb1:
#   %5 = weight() {name = "up.weight"} : f32[4,4] loc("branch_join.py":12:22)
#   %6 = weight() {name = "up.bias"} : f32[4] loc("branch_join.py":12:22)
#   %7 = linear(%0, %5, %6) : f32[1,4] loc("branch_join.py":18:22)
#   %20 = const() {value = 1} : i64 loc("branch_join.py":17:9)
#   jump ^bb6(%7, %20) loc("branch_join.py":17:9)
# ^bb2:
#   %8 = full() {value = -0.5} : f32[] loc("branch_join.py":20:14)
#   %9 = lt(%1, %8) : bool[] loc("branch_join.py":20:14)
#   %10 = item(%9) : bool loc("branch_join.py":20:9)
#   br %10, ^bb3(), ^bb4() loc("branch_join.py":20:9)
# ^bb3:
#   %11 = weight() {name = "down.weight"} : f32[4,4] loc("branch_join.py":13:24)
#   %12 = weight() {name = "down.bias"} : f32[4] loc("branch_join.py":13:24)
#   %13 = linear(%0, %11, %12) : f32[1,4] loc("branch_join.py":21:22)
#   %16 = const() {value = 2} : i64 loc("branch_join.py":20:9)
#   jump ^bb5(%13, %16) loc("branch_join.py":20:9)
# ^bb4:
#   %17 = const() {value = 3} : i64 loc("branch_join.py":20:9)
#   jump ^bb5(%0, %17) loc("branch_join.py":20:9)
# ^bb5(%14: f32[1,4], %15: i64):
#   jump ^bb6(%14, %15) loc("branch_join.py":17:9)
# ^bb6(%18: f32[1,4], %19: i64):
#   %21 = full() {value = 2.0} : f32[] loc("branch_join.py":26:18)
#   %22 = mul(%18, %21) : f32[1,4] loc("branch_join.py":26:18)
#   ret (%22, %19) loc("branch_join.py":26:9)
# }
