# entry: Net(use_bias_branch=False, depth=3)
# input: x=float32[1,4]
# Static conditions fold and static loops unroll: config flags, counters, shape tests, a static
# while and a static break; only the taken branch reaches the IR.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, use_bias_branch, depth):
        super().__init__()
        self.use_bias_branch = use_bias_branch
        self.depth = depth
        self.fc = nn.Linear(4, 4)
        self.extra = nn.Linear(4, 4) if use_bias_branch else None

    def forward(self, x):
        if self.use_bias_branch:
            x = self.extra(x)
        elif x.size(1) == 4 and self.extra is None:
            x = x + 1
        else:
            x = x - 1
        k = 0
        while k < self.depth:
            x = self.fc(x)
            if k % 2 == 1:
                x = torch.relu(x)
            k += 1
        for _ in range(2):
            if x.dim() != 2:
                break
            x = x * 2
        return x
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = full() {value = 1.0} : f32[] loc("static_control.py":21:19)
#   %2 = add(%0, %1) : f32[1,4] loc("static_control.py":21:19)
#   %3 = weight() {name = "fc.weight"} : f32[4,4] loc("static_control.py":14:22)
#   %4 = weight() {name = "fc.bias"} : f32[4] loc("static_control.py":14:22)
#   %5 = linear(%2, %3, %4) : f32[1,4] loc("static_control.py":26:22)
#   %6 = linear(%5, %3, %4) : f32[1,4] loc("static_control.py":26:22)
#   %7 = relu(%6) : f32[1,4] loc("static_control.py":28:27)
#   %8 = linear(%7, %3, %4) : f32[1,4] loc("static_control.py":26:22)
#   %9 = full() {value = 2.0} : f32[] loc("static_control.py":33:19)
#   %10 = mul(%8, %9) : f32[1,4] loc("static_control.py":33:19)
#   %11 = full() {value = 2.0} : f32[] loc("static_control.py":33:19)
#   %12 = mul(%10, %11) : f32[1,4] loc("static_control.py":33:19)
#   ret %12 loc("static_control.py":34:9)
# }
