# entry: Net()
# input: x=float32[1,4]
# Short-circuit `and`/`or` on data-dependent values: before a plain operand both sides are combined
# on the host; before a call, the rest is evaluated only on the path where Python evaluates it.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.limit = 3

    def score(self, x):
        return float(torch.sigmoid(x).mean())

    def forward(self, x):
        n = int(x.argmax())
        plain = x.sum().item() > 0 and n < self.limit
        guarded = n < 4 and self.score(x) > 0.5
        if plain or guarded:
            x = torch.relu(x)
        return x
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = reshape(%0) {shape = [4]} : f32[4] loc("and_or_short_circuit.py":18:19)
#   %2 = argmax(%1) {axis = 0, keepdims = false} : i64[] loc("and_or_short_circuit.py":18:19)
#   %3 = item(%2) : i64 loc("and_or_short_circuit.py":18:13)
#   %4 = reduce_sum(%0) {axes = [0, 1], keepdims = false} : f32[] loc("and_or_short_circuit.py":19:19)
#   %5 = item(%4) : f32 loc("and_or_short_circuit.py":19:25)
#   %6 = const() {value = 0} : i64 loc("and_or_short_circuit.py":19:17)
#   %7 = gt(%5, %6) : bool loc("and_or_short_circuit.py":19:17)
#   %8 = const() {value = 3} : i64 loc("and_or_short_circuit.py":19:40)
#   %9 = lt(%3, %8) : bool loc("and_or_short_circuit.py":19:40)
#   %10 = logical_and(%7, %9) : bool loc("and_or_short_circuit.py":19:17)
#   %11 = const() {value = 4} : i64 loc("and_or_short_circuit.py":20:19)
#   %12 = lt(%3, %11) : bool loc("and_or_short_circuit.py":20:19)
#   br %12, ^bb1(), ^bb2() loc("and_or_short_circuit.py":20:19)
# ^bb1:
#   %13 = sigmoid(%0) : f32[1,4] loc("and_or_short_circuit.py":15:28)
#   %14 = reduce_mean(%13) {axes = [0, 1], keepdims = false} : f32[] loc("and_or_short_circuit.py":15:39)
#   %15 = item(%14) : f32 loc("and_or_short_circuit.py":15:16)
#   %16 = const() {value = 0.5} : f64 loc("and_or_short_circuit.py":20:29)
#   %17 = gt(%15, %16) : bool loc("and_or_short_circuit.py":20:29)
#   jump ^bb3(%17) loc("and_or_short_circuit.py":20:19)
# ^bb2:
#   jump ^bb3(%12) loc("and_or_short_circuit.py":20:19)
# ^bb3(%18: bool):
#   %19 = logical_or(%10, %18) : bool loc("and_or_short_circuit.py":21:12)
#   br %19, ^bb4(), ^bb5() loc("and_or_short_circuit.py":21:9)
# ^bb4:
#   %20 = relu(%0) : f32[1,4] loc("and_or_short_circuit.py":22:23)
#   jump ^bb6(%20) loc("and_or_short_circuit.py":21:9)
# ^bb5:
#   jump ^bb6(%0) loc("and_or_short_circuit.py":21:9)
# ^bb6(%21: f32[1,4]):
#   ret %21 loc("and_or_short_circuit.py":23:9)
# }
