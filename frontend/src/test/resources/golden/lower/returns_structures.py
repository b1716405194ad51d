# entry: Net()
# input: x=float32[2,4]
# Returns a dict holding a tuple, a list, a Python float, a bool and None.
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
        self.temperature = 1.5

    def forward(self, x):
        y = self.fc(x)
        outs = []
        for i in range(x.size(0)):
            outs.append(y[i])
        return {'logits': (y, y / self.temperature), 'rows': outs, 't': self.temperature,
                'ok': len(outs) == 2, 'none': None}
# ---- expected ----
# func @forward(%0 "x": f32[2,4]) {
# ^bb0:
#   %1 = weight() {name = "fc.weight"} : f32[3,4] loc("returns_structures.py":10:22)
#   %2 = weight() {name = "fc.bias"} : f32[3] loc("returns_structures.py":10:22)
#   %3 = linear(%0, %1, %2) : f32[2,3] loc("returns_structures.py":14:18)
#   %4 = strided_slice(%3) {begin = [0, 0], end = [1, 3], strides = [1, 1]} : f32[1,3] loc("returns_structures.py":17:26)
#   %5 = reshape(%4) {shape = [3]} : f32[3] loc("returns_structures.py":17:26)
#   %6 = strided_slice(%3) {begin = [1, 0], end = [2, 3], strides = [1, 1]} : f32[1,3] loc("returns_structures.py":17:26)
#   %7 = reshape(%6) {shape = [3]} : f32[3] loc("returns_structures.py":17:26)
#   %8 = full() {value = 1.5} : f32[] loc("returns_structures.py":18:33)
#   %9 = div(%3, %8) : f32[2,3] loc("returns_structures.py":18:33)
#   %10 = const() {value = 1.5} : f64 loc("returns_structures.py":18:9)
#   %11 = const() {value = true} : bool loc("returns_structures.py":18:9)
#   ret {"logits": (%3, %9), "rows": [%5, %7], "t": %10, "ok": %11, "none": None} loc("returns_structures.py":18:9)
# }
