# entry: Net()
# input: x=float32[1,4]
# Rule TRY: a raise of the model's own exception in a callee, under a data-dependent test, ends
# its path; the handler runs once on the joined paths that raised, and meets the path that fell
# through the body and its else clause after the try statement.
import torch
import torch.nn as nn


class Exit(Exception):
    def __init__(self, value, depth):
        self.value = value
        self.depth = depth


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def layers(self, x):
        for i in range(2):
            x = self.fc(x)
            if x.sum() > 0:
                raise Exit(x, i)
        return x

    def forward(self, x):
        try:
            y = self.layers(x)
        except Exit as e:
            y = e.value * e.depth
        else:
            y = y - 1
        return y
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = weight() {name = "fc.weight"} : f32[4,4] loc("try_exception_exit.py":19:22)
#   %2 = weight() {name = "fc.bias"} : f32[4] loc("try_exception_exit.py":19:22)
#   %3 = linear(%0, %1, %2) : f32[1,4] loc("try_exception_exit.py":23:22)
#   %4 = reduce_sum(%3) {axes = [0, 1], keepdims = false} : f32[] loc("try_exception_exit.py":24:18)
#   %5 = full() {value = 0.0} : f32[] loc("try_exception_exit.py":24:16)
#   %6 = gt(%4, %5) : bool[] loc("try_exception_exit.py":24:16)
#   %7 = item(%6) : bool loc("try_exception_exit.py":24:13)
#   br %7, ^bb1(), ^bb2() loc("try_exception_exit.py":24:13)
# ^bb1:
#   %18 = const() {value = 0} : i64 loc("try_exception_exit.py":29:9)
#   jump ^bb5(%18, %3) loc("try_exception_exit.py":29:9)
# ^bb2:
#   %8 = weight() {name = "fc.weight"} : f32[4,4] loc("try_exception_exit.py":19:22)
#   %9 = weight() {name = "fc.bias"} : f32[4] loc("try_exception_exit.py":19:22)
#   %10 = linear(%3, %8, %9) : f32[1,4] loc("try_exception_exit.py":23:22)
#   %11 = reduce_sum(%10) {axes = [0, 1], keepdims = false} : f32[] loc("try_exception_exit.py":24:18)
#   %12 = full() {value = 0.0} : f32[] loc("try_exception_exit.py":24:16)
#   %13 = gt(%11, %12) : bool[] loc("try_exception_exit.py":24:16)
#   %14 = item(%13) : bool loc("try_exception_exit.py":24:13)
#   br %14, ^bb3(), ^bb4() loc("try_exception_exit.py":24:13)
# ^bb3:
#   %19 = const() {value = 1} : i64 loc("try_exception_exit.py":29:9)
#   jump ^bb5(%19, %10) loc("try_exception_exit.py":29:9)
# ^bb4:
#   %15 = full() {value = 1.0} : f32[] loc("try_exception_exit.py":34:19)
#   %16 = sub(%10, %15) : f32[1,4] loc("try_exception_exit.py":34:19)
#   jump ^bb6(%16) loc("try_exception_exit.py":29:9)
# ^bb5(%17: i64, %20: f32[1,4]):
#   %21 = to_tensor(%17) {dtype = "i64"} : i64[] loc("try_exception_exit.py":32:25)
#   %22 = cast(%21) {dtype = "f32"} : f32[] loc("try_exception_exit.py":32:25)
#   %23 = mul(%20, %22) : f32[1,4] loc("try_exception_exit.py":32:25)
#   jump ^bb6(%23) loc("try_exception_exit.py":29:9)
# ^bb6(%24: f32[1,4]):
#   ret %24 loc("try_exception_exit.py":35:9)
# }
