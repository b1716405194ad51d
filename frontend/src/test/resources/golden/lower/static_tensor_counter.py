# entry: Net(steps=3)
# input: x=float32[1,4]
# A counter kept in a one-element tensor made from constants in forward is static: conditions on
# it fold at compile time, in `if`, `while` and through .item(), as for Python ints.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, steps):
        super().__init__()
        self.steps = steps

    def forward(self, x):
        t = torch.tensor(0)
        while t < self.steps:
            x = x * 2
            t = t + 1
        if (t == 3).item() and t.item() + 1 == 4:
            x = x + 1
        else:
            x = x - 1
        return x, t
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = full() {value = 0} : i64[] loc("static_tensor_counter.py":15:19)
#   %2 = full() {value = 3} : i64[] loc("static_tensor_counter.py":16:15)
#   %3 = lt(%1, %2) : bool[] loc("static_tensor_counter.py":16:15)
#   %4 = full() {value = 2.0} : f32[] loc("static_tensor_counter.py":17:19)
#   %5 = mul(%0, %4) : f32[1,4] loc("static_tensor_counter.py":17:19)
#   %6 = full() {value = 1} : i64[] loc("static_tensor_counter.py":18:19)
#   %7 = add(%1, %6) : i64[] loc("static_tensor_counter.py":18:19)
#   %8 = full() {value = 3} : i64[] loc("static_tensor_counter.py":16:15)
#   %9 = lt(%7, %8) : bool[] loc("static_tensor_counter.py":16:15)
#   %10 = full() {value = 2.0} : f32[] loc("static_tensor_counter.py":17:19)
#   %11 = mul(%5, %10) : f32[1,4] loc("static_tensor_counter.py":17:19)
#   %12 = full() {value = 1} : i64[] loc("static_tensor_counter.py":18:19)
#   %13 = add(%7, %12) : i64[] loc("static_tensor_counter.py":18:19)
#   %14 = full() {value = 3} : i64[] loc("static_tensor_counter.py":16:15)
#   %15 = lt(%13, %14) : bool[] loc("static_tensor_counter.py":16:15)
#   %16 = full() {value = 2.0} : f32[] loc("static_tensor_counter.py":17:19)
#   %17 = mul(%11, %16) : f32[1,4] loc("static_tensor_counter.py":17:19)
#   %18 = full() {value = 1} : i64[] loc("static_tensor_counter.py":18:19)
#   %19 = add(%13, %18) : i64[] loc("static_tensor_counter.py":18:19)
#   %20 = full() {value = 3} : i64[] loc("static_tensor_counter.py":16:15)
#   %21 = lt(%19, %20) : bool[] loc("static_tensor_counter.py":16:15)
#   %22 = full() {value = 3} : i64[] loc("static_tensor_counter.py":19:13)
#   %23 = eq(%19, %22) : bool[] loc("static_tensor_counter.py":19:13)
#   %24 = full() {value = 1.0} : f32[] loc("static_tensor_counter.py":20:19)
#   %25 = add(%17, %24) : f32[1,4] loc("static_tensor_counter.py":20:19)
#   ret (%25, %19) loc("static_tensor_counter.py":23:9)
# }
