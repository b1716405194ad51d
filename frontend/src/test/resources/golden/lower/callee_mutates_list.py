# entry: Net()
# input: x=float32[1,4]
# An inlined helper with data-dependent returns appends to a list its caller owns: the caller
# sees, after the call, the list as each path left it, merged.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def step(self, x, trace):
        y = self.fc(x)
        if y.max() > 1:
            trace.append(y * 2)
            return y
        trace.append(y)
        return -y

    def forward(self, x):
        trace = []
        x = self.step(x, trace)
        x = self.step(x, trace)
        return x, torch.stack(trace)
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = weight() {name = "fc.weight"} : f32[4,4] loc("callee_mutates_list.py":12:22)
#   %2 = weight() {name = "fc.bias"} : f32[4] loc("callee_mutates_list.py":12:22)
#   %3 = linear(%0, %1, %2) : f32[1,4] loc("callee_mutates_list.py":15:18)
#   %4 = reduce_max(%3) {axes = [0, 1], keepdims = false} : f32[] loc("callee_mutates_list.py":16:14)
#   %5 = full() {value = 1.0} : f32[] loc("callee_mutates_list.py":16:12)
#   %6 = gt(%4, %5) : bool[] loc("callee_mutates_list.py":16:12)
#   %7 = item(%6) : bool loc("callee_mutates_list.py":16:9)
#   br %7, ^bb1(), ^bb2() loc("callee_mutates_list.py":16:9)
# ^bb1:
#   %8 = full() {value = 2.0} : f32[] loc("callee_mutates_list.py":17:28)
#   %9 = mul(%3, %8) : f32[1,4] loc("callee_mutates_list.py":17:28)
#   jump ^bb3(%3, %9) loc("callee_mutates_list.py":24:18)
# ^bb2:
#   %10 = neg(%3) : f32[1,4] loc("callee_mutates_list.py":20:16)
#   jump ^bb3(%10, %3) loc("callee_mutates_list.py":24:18)
# ^bb3(%11: f32[1,4], %12: f32[1,4]):
#   %13 = weight() {name = "fc.weight"} : f32[4,4] loc("callee_mutates_list.py":12:22)
#   %14 = weight() {name = "fc.bias"} : f32[4] loc("callee_mutates_list.py":12:22)
#   %15 = linear(%11, %13, %14) : f32[1,4] loc("callee_mutates_list.py":15:18)
#   %16 = reduce_max(%15) {axes = [0, 1], keepdims = false} : f32[] loc("callee_mutates_list.py":16:14)
#   %17 = full() {value = 1.0} : f32[] loc("callee_mutates_list.py":16:12)
#   %18 = gt(%16, %17) : bool[] loc("callee_mutates_list.py":16:12)
#   %19 = item(%18) : bool loc("callee_mutates_list.py":16:9)
#   br %19, ^bb4(), ^bb5() loc("callee_mutates_list.py":16:9)
# ^bb4:
#   %20 = full() {value = 2.0} : f32[] loc("callee_mutates_list.py":17:28)
#   %21 = mul(%15, %20) : f32[1,4] loc("callee_mutates_list.py":17:28)
#   jump ^bb6(%15, %21) loc("callee_mutates_list.py":25:18)
# ^bb5:
#   %22 = neg(%15) : f32[1,4] loc("callee_mutates_list.py":20:16)
#   jump ^bb6(%22, %15) loc("callee_mutates_list.py":25:18)
# ^bb6(%23: f32[1,4], %24: f32[1,4]):
#   %25 = reshape(%12) {shape = [1, 1, 4]} : f32[1,1,4] loc("callee_mutates_list.py":26:25)
#   %26 = reshape(%24) {shape = [1, 1, 4]} : f32[1,1,4] loc("callee_mutates_list.py":26:25)
#   %27 = concat(%25, %26) {axis = 0} : f32[2,1,4] loc("callee_mutates_list.py":26:25)
#   ret (%23, %27) loc("callee_mutates_list.py":26:9)
# }
