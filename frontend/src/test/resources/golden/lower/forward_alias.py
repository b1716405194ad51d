# entry: Net(fast=True)
# input: x=float32[1,4]
# self.forward = self.other_method, chosen at construction time.
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, fast):
        super().__init__()
        self.fc = nn.Linear(4, 2)
        if fast:
            self.forward = self.forward_fast

    def forward(self, x):
        return self.fc(x).relu()

    def forward_fast(self, x):
        return self.fc(x).sigmoid()
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = weight() {name = "fc.weight"} : f32[2,4] loc("forward_alias.py":10:22)
#   %2 = weight() {name = "fc.bias"} : f32[2] loc("forward_alias.py":10:22)
#   %3 = linear(%0, %1, %2) : f32[1,2] loc("forward_alias.py":18:21)
#   %4 = sigmoid(%3) : f32[1,2] loc("forward_alias.py":18:27)
#   ret %4 loc("forward_alias.py":18:9)
# }
