# entry: Net()
# method: predict
# input: x=float32[1,4]
# '# method:' picks a method other than forward; forward here would fail (it raises).
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        raise ValueError("not this one")

    def predict(self, x):
        return self.fc(x).tanh()
# ---- expected ----
# func @predict(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = weight() {name = "fc.weight"} : f32[2,4] loc("method_directive.py":11:22)
#   %2 = weight() {name = "fc.bias"} : f32[2] loc("method_directive.py":11:22)
#   %3 = linear(%0, %1, %2) : f32[1,2] loc("method_directive.py":17:21)
#   %4 = tanh(%3) : f32[1,2] loc("method_directive.py":17:27)
#   ret %4 loc("method_directive.py":17:9)
# }
