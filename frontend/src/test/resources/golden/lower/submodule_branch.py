# entry: Net()
# input: x=float32[1,4]
# A submodule whose forward returns different tensors on a data-dependent condition: the
# inlined call's returns meet in a join block whose parameter carries the result.
import torch
import torch.nn as nn


class Gate(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(4, 4)
        self.b = nn.Linear(4, 4)

    def forward(self, x):
        if x.sum() > 0:
            return self.a(x)
        return self.b(x)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.gate = Gate()
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        y = self.gate(x)
        return self.head(y)
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = reduce_sum(%0) {axes = [0, 1], keepdims = false} : f32[] loc("submodule_branch.py":16:14)
#   %2 = full() {value = 0.0} : f32[] loc("submodule_branch.py":16:12)
#   %3 = gt(%1, %2) : bool[] loc("submodule_branch.py":16:12)
#   %4 = item(%3) : bool loc("submodule_branch.py":16:9)
#   br %4, ^bb1(), ^bb2() loc("submodule_branch.py":16:9)
# ^bb1:
#   %5 = weight() {name = "gate.a.weight"} : f32[4,4] loc("submodule_branch.py":12:21)
#   %6 = weight() {name = "gate.a.bias"} : f32[4] loc("submodule_branch.py":12:21)
#   %7 = linear(%0, %5, %6) : f32[1,4] loc("submodule_branch.py":17:25)
#   jump ^bb3(%7) loc("submodule_branch.py":28:18)
# ^bb2:
#   %8 = weight() {name = "gate.b.weight"} : f32[4,4] loc("submodule_branch.py":13:21)
#   %9 = weight() {name = "gate.b.bias"} : f32[4] loc("submodule_branch.py":13:21)
#   %10 = linear(%0, %8, %9) : f32[1,4] loc("submodule_branch.py":18:21)
#   jump ^bb3(%10) loc("submodule_branch.py":28:18)
# ^bb3(%11: f32[1,4]):
#   %12 = weight() {name = "head.weight"} : f32[2,4] loc("submodule_branch.py":25:24)
#   %13 = weight() {name = "head.bias"} : f32[2] loc("submodule_branch.py":25:24)
#   %14 = linear(%11, %12, %13) : f32[1,2] loc("submodule_branch.py":29:21)
#   ret %14 loc("submodule_branch.py":29:9)
# }
