# entry: Net()
# input: x=float32[1,4]
# Lists, dicts and attributes mutated on both sides of a data-dependent branch: each side starts
# from the same contents, and the join merges them element by element.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(4, 4)
        self.b = nn.Linear(4, 4)

    def forward(self, x):
        feats = [x]
        info = {'path': 0}
        if x.sum() > 0:
            feats.append(self.a(x))
            info['path'] = 1
            info['extra'] = x
        else:
            feats.append(self.b(x))
            info['path'] = 2
        return torch.cat(feats, dim=1), info['path']
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = reduce_sum(%0) {axes = [0, 1], keepdims = false} : f32[] loc("containers_in_branches.py":18:14)
#   %2 = full() {value = 0.0} : f32[] loc("containers_in_branches.py":18:12)
#   %3 = gt(%1, %2) : bool[] loc("containers_in_branches.py":18:12)
#   %4 = item(%3) : bool loc("containers_in_branches.py":18:9)
#   br %4, ^bb1(), ^bb2() loc("containers_in_branches.py":18:9)
# ^bb1:
#   %5 = weight() {name = "a.weight"} : f32[4,4] loc("containers_in_branches.py":12:21)
#   %6 = weight() {name = "a.bias"} : f32[4] loc("containers_in_branches.py":12:21)
#   %7 = linear(%0, %5, %6) : f32[1,4] loc("containers_in_branches.py":19:31)
#   %13 = const() {value = 1} : i64 loc("containers_in_branches.py":18:9)
#   jump ^bb3(%7, %13) loc("containers_in_branches.py":18:9)
# ^bb2:
#   %8 = weight() {name = "b.weight"} : f32[4,4] loc("containers_in_branches.py":13:21)
#   %9 = weight() {name = "b.bias"} : f32[4] loc("containers_in_branches.py":13:21)
#   %10 = linear(%0, %8, %9) : f32[1,4] loc("containers_in_branches.py":23:31)
#   %14 = const() {value = 2} : i64 loc("containers_in_branches.py":18:9)
#   jump ^bb3(%10, %14) loc("containers_in_branches.py":18:9)
# ^bb3(%11: f32[1,4], %12: i64):
#   %15 = concat(%0, %11) {axis = 1} : f32[1,8] loc("containers_in_branches.py":25:22)
#   ret (%15, %12) loc("containers_in_branches.py":25:9)
# }
