# entry: Net()
# input: x=float32[1,4]
# A data-dependent loop inside a data-dependent branch, with an early return from the loop: the
# return is a pending return of forward, the loop's exit and the else branch meet after the if.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.refine = nn.Linear(4, 4)

    def forward(self, x):
        steps = 0
        if x.mean() > 0:
            while x.abs().sum() > 1.0:
                x = torch.tanh(self.refine(x)) * 0.5
                steps += 1
                if x.sum() < -1.5:
                    return x, -1
        else:
            x = -x
        return x, steps
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = reduce_mean(%0) {axes = [0, 1], keepdims = false} : f32[] loc("nested_loop_in_branch.py":16:14)
#   %2 = full() {value = 0.0} : f32[] loc("nested_loop_in_branch.py":16:12)
#   %3 = gt(%1, %2) : bool[] loc("nested_loop_in_branch.py":16:12)
#   %4 = item(%3) : bool loc("nested_loop_in_branch.py":16:9)
#   br %4, ^bb1(), ^bb2() loc("nested_loop_in_branch.py":16:9)
# ^bb1:
#   %5 = abs(%0) : f32[1,4] loc("nested_loop_in_branch.py":17:21)
#   %6 = reduce_sum(%5) {axes = [0, 1], keepdims = false} : f32[] loc("nested_loop_in_branch.py":17:27)
#   %7 = full() {value = 1.0} : f32[] loc("nested_loop_in_branch.py":17:19)
#   %8 = gt(%6, %7) : bool[] loc("nested_loop_in_branch.py":17:19)
#   %9 = item(%8) : bool loc("nested_loop_in_branch.py":17:13)
#   br %9, ^bb3(), ^bb4() loc("nested_loop_in_branch.py":17:13)
# ^bb2:
#   %58 = neg(%0) : f32[1,4] loc("nested_loop_in_branch.py":23:17)
#   %61 = const() {value = 0} : i64 loc("nested_loop_in_branch.py":16:9)
#   jump ^bb11(%58, %61) loc("nested_loop_in_branch.py":16:9)
# ^bb3:
#   %49 = const() {value = 0} : i64 loc("nested_loop_in_branch.py":17:13)
#   jump ^bb5(%49, %0) loc("nested_loop_in_branch.py":17:13)
# ^bb4:
#   %56 = const() {value = 0} : i64 loc("nested_loop_in_branch.py":17:13)
#   jump ^bb10(%56, %0) loc("nested_loop_in_branch.py":17:13)
# ^bb5(%35: i64, %36: f32[1,4]):
#   %37 = weight() {name = "refine.weight"} : f32[4,4] loc("nested_loop_in_branch.py":12:26)
#   %38 = weight() {name = "refine.bias"} : f32[4] loc("nested_loop_in_branch.py":12:26)
#   %39 = linear(%36, %37, %38) : f32[1,4] loc("nested_loop_in_branch.py":18:37)
#   %40 = tanh(%39) : f32[1,4] loc("nested_loop_in_branch.py":18:27)
#   %41 = full() {value = 0.5} : f32[] loc("nested_loop_in_branch.py":18:48)
#   %42 = mul(%40, %41) : f32[1,4] loc("nested_loop_in_branch.py":18:48)
#   %43 = const() {value = 1} : i64 loc("nested_loop_in_branch.py":19:17)
#   %44 = add(%35, %43) : i64 loc("nested_loop_in_branch.py":19:17)
#   %45 = reduce_sum(%42) {axes = [0, 1], keepdims = false} : f32[] loc("nested_loop_in_branch.py":20:22)
#   %46 = full() {value = -1.5} : f32[] loc("nested_loop_in_branch.py":20:20)
#   %47 = lt(%45, %46) : bool[] loc("nested_loop_in_branch.py":20:20)
#   %48 = item(%47) : bool loc("nested_loop_in_branch.py":20:17)
#   br %48, ^bb6(), ^bb7() loc("nested_loop_in_branch.py":20:17)
# ^bb6:
#   %62 = const() {value = -1} : i64 loc("nested_loop_in_branch.py":21:21)
#   ret (%42, %62) loc("nested_loop_in_branch.py":21:21)
# ^bb7:
#   %50 = abs(%42) : f32[1,4] loc("nested_loop_in_branch.py":17:21)
#   %51 = reduce_sum(%50) {axes = [0, 1], keepdims = false} : f32[] loc("nested_loop_in_branch.py":17:27)
#   %52 = full() {value = 1.0} : f32[] loc("nested_loop_in_branch.py":17:19)
#   %53 = gt(%51, %52) : bool[] loc("nested_loop_in_branch.py":17:19)
#   %54 = item(%53) : bool loc("nested_loop_in_branch.py":17:13)
#   br %54, ^bb8(), ^bb9() loc("nested_loop_in_branch.py":17:13)
# ^bb8:
#   jump ^bb5(%44, %42) loc("nested_loop_in_branch.py":17:13)
# ^bb9:
#   jump ^bb10(%44, %42) loc("nested_loop_in_branch.py":17:13)
# ^bb10(%55: i64, %57: f32[1,4]):
#   jump ^bb11(%57, %55) loc("nested_loop_in_branch.py":16:9)
# ^bb11(%59: f32[1,4], %60: i64):
#   ret (%59, %60) loc("nested_loop_in_branch.py":24:9)
# }
