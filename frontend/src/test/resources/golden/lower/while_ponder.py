# entry: Net()
# input: x=float32[1,4]
# A data-dependent while loop (rule DYN-LOOP): the first test is known (halt starts at 0.0), the
# rest is a loop whose body is lowered once; the tensor state, the halting sum and the step counter
# are block parameters, widened from the Python values of the first iteration.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, max_steps=5):
        super().__init__()
        self.cell = nn.Linear(4, 4)
        self.halt = nn.Linear(4, 1)
        self.max_steps = max_steps

    def forward(self, x):
        h = x
        total = 0.0
        steps = 0
        while total < 0.99 and steps < self.max_steps:
            h = torch.tanh(self.cell(h))
            total = total + torch.sigmoid(self.halt(h)).item()
            steps += 1
        return h, steps
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = weight() {name = "cell.weight"} : f32[4,4] loc("while_ponder.py":13:24)
#   %2 = weight() {name = "cell.bias"} : f32[4] loc("while_ponder.py":13:24)
#   %3 = linear(%0, %1, %2) : f32[1,4] loc("while_ponder.py":22:33)
#   %4 = tanh(%3) : f32[1,4] loc("while_ponder.py":22:23)
#   %5 = weight() {name = "halt.weight"} : f32[1,4] loc("while_ponder.py":14:24)
#   %6 = weight() {name = "halt.bias"} : f32[1] loc("while_ponder.py":14:24)
#   %7 = linear(%4, %5, %6) : f32[1,1] loc("while_ponder.py":23:48)
#   %8 = sigmoid(%7) : f32[1,1] loc("while_ponder.py":23:35)
#   %9 = item(%8) : f32 loc("while_ponder.py":23:57)
#   %10 = const() {value = 0.0} : f64 loc("while_ponder.py":23:27)
#   %11 = add(%10, %9) : f64 loc("while_ponder.py":23:27)
#   %12 = const() {value = 0.99} : f64 loc("while_ponder.py":21:15)
#   %13 = lt(%11, %12) : bool loc("while_ponder.py":21:15)
#   br %13, ^bb1(), ^bb2() loc("while_ponder.py":21:9)
# ^bb1:
#   %56 = const() {value = 1} : i64 loc("while_ponder.py":21:9)
#   jump ^bb3(%4, %56, %11) loc("while_ponder.py":21:9)
# ^bb2:
#   %64 = const() {value = 1} : i64 loc("while_ponder.py":21:9)
#   jump ^bb6(%4, %64, %11) loc("while_ponder.py":21:9)
# ^bb3(%41: f32[1,4], %42: i64, %43: f64):
#   %44 = weight() {name = "cell.weight"} : f32[4,4] loc("while_ponder.py":13:24)
#   %45 = weight() {name = "cell.bias"} : f32[4] loc("while_ponder.py":13:24)
#   %46 = linear(%41, %44, %45) : f32[1,4] loc("while_ponder.py":22:33)
#   %47 = tanh(%46) : f32[1,4] loc("while_ponder.py":22:23)
#   %48 = weight() {name = "halt.weight"} : f32[1,4] loc("while_ponder.py":14:24)
#   %49 = weight() {name = "halt.bias"} : f32[1] loc("while_ponder.py":14:24)
#   %50 = linear(%47, %48, %49) : f32[1,1] loc("while_ponder.py":23:48)
#   %51 = sigmoid(%50) : f32[1,1] loc("while_ponder.py":23:35)
#   %52 = item(%51) : f32 loc("while_ponder.py":23:57)
#   %53 = add(%43, %52) : f64 loc("while_ponder.py":23:27)
#   %54 = const() {value = 1} : i64 loc("while_ponder.py":24:13)
#   %55 = add(%42, %54) : i64 loc("while_ponder.py":24:13)
#   %57 = const() {value = 0.99} : f64 loc("while_ponder.py":21:15)
#   %58 = lt(%53, %57) : bool loc("while_ponder.py":21:15)
#   %59 = const() {value = 5} : i64 loc("while_ponder.py":21:32)
#   %60 = lt(%55, %59) : bool loc("while_ponder.py":21:32)
#   %61 = logical_and(%58, %60) : bool loc("while_ponder.py":21:15)
#   br %61, ^bb4(), ^bb5() loc("while_ponder.py":21:9)
# ^bb4:
#   jump ^bb3(%47, %55, %53) loc("while_ponder.py":21:9)
# ^bb5:
#   jump ^bb6(%47, %55, %53) loc("while_ponder.py":21:9)
# ^bb6(%62: f32[1,4], %63: i64, %65: f64):
#   ret (%62, %63) loc("while_ponder.py":25:9)
# }
