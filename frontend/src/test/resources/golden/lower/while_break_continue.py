# entry: Net()
# input: x=float32[1,4]
# A data-dependent while loop with a data-dependent `continue` and `break` in its body: the body is
# lowered once; the continue path and the fall-through meet at the latch, the break exits the loop.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.step = nn.Linear(4, 4)

    def forward(self, x):
        count = 0
        while x.abs().sum() < 100.0:
            x = self.step(x) * 2
            count = count + 1
            if x.max() < 0:
                continue
            if x.min() > 1:
                break
            x = x + 1
        return x, count
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = abs(%0) : f32[1,4] loc("while_break_continue.py":16:17)
#   %2 = reduce_sum(%1) {axes = [0, 1], keepdims = false} : f32[] loc("while_break_continue.py":16:23)
#   %3 = full() {value = 100.0} : f32[] loc("while_break_continue.py":16:15)
#   %4 = lt(%2, %3) : bool[] loc("while_break_continue.py":16:15)
#   %5 = item(%4) : bool loc("while_break_continue.py":16:9)
#   br %5, ^bb1(), ^bb2() loc("while_break_continue.py":16:9)
# ^bb1:
#   %63 = const() {value = 0} : i64 loc("while_break_continue.py":16:9)
#   jump ^bb3(%63, %0) loc("while_break_continue.py":16:9)
# ^bb2:
#   %70 = const() {value = 0} : i64 loc("while_break_continue.py":16:9)
#   jump ^bb11(%70, %0) loc("while_break_continue.py":16:9)
# ^bb3(%43: i64, %44: f32[1,4]):
#   %45 = weight() {name = "step.weight"} : f32[4,4] loc("while_break_continue.py":12:24)
#   %46 = weight() {name = "step.bias"} : f32[4] loc("while_break_continue.py":12:24)
#   %47 = linear(%44, %45, %46) : f32[1,4] loc("while_break_continue.py":17:22)
#   %48 = full() {value = 2.0} : f32[] loc("while_break_continue.py":17:30)
#   %49 = mul(%47, %48) : f32[1,4] loc("while_break_continue.py":17:30)
#   %50 = const() {value = 1} : i64 loc("while_break_continue.py":18:27)
#   %51 = add(%43, %50) : i64 loc("while_break_continue.py":18:27)
#   %52 = reduce_max(%49) {axes = [0, 1], keepdims = false} : f32[] loc("while_break_continue.py":19:18)
#   %53 = full() {value = 0.0} : f32[] loc("while_break_continue.py":19:16)
#   %54 = lt(%52, %53) : bool[] loc("while_break_continue.py":19:16)
#   %55 = item(%54) : bool loc("while_break_continue.py":19:13)
#   br %55, ^bb4(), ^bb5() loc("while_break_continue.py":19:13)
# ^bb4:
#   jump ^bb8(%49) loc("while_break_continue.py":16:9)
# ^bb5:
#   %56 = reduce_min(%49) {axes = [0, 1], keepdims = false} : f32[] loc("while_break_continue.py":21:18)
#   %57 = full() {value = 1.0} : f32[] loc("while_break_continue.py":21:16)
#   %58 = gt(%56, %57) : bool[] loc("while_break_continue.py":21:16)
#   %59 = item(%58) : bool loc("while_break_continue.py":21:13)
#   br %59, ^bb6(), ^bb7() loc("while_break_continue.py":21:13)
# ^bb6:
#   jump ^bb11(%51, %49) loc("while_break_continue.py":16:9)
# ^bb7:
#   %60 = full() {value = 1.0} : f32[] loc("while_break_continue.py":23:19)
#   %61 = add(%49, %60) : f32[1,4] loc("while_break_continue.py":23:19)
#   jump ^bb8(%61) loc("while_break_continue.py":16:9)
# ^bb8(%62: f32[1,4]):
#   %64 = abs(%62) : f32[1,4] loc("while_break_continue.py":16:17)
#   %65 = reduce_sum(%64) {axes = [0, 1], keepdims = false} : f32[] loc("while_break_continue.py":16:23)
#   %66 = full() {value = 100.0} : f32[] loc("while_break_continue.py":16:15)
#   %67 = lt(%65, %66) : bool[] loc("while_break_continue.py":16:15)
#   %68 = item(%67) : bool loc("while_break_continue.py":16:9)
#   br %68, ^bb9(), ^bb10() loc("while_break_continue.py":16:9)
# ^bb9:
#   jump ^bb3(%51, %62) loc("while_break_continue.py":16:9)
# ^bb10:
#   jump ^bb11(%51, %62) loc("while_break_continue.py":16:9)
# ^bb11(%69: i64, %71: f32[1,4]):
#   ret (%71, %69) loc("while_break_continue.py":24:9)
# }
