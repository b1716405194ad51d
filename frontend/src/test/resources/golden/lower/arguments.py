# entry: build(8, 16, 4, act='relu', bias=False)
# input: x=float32[2,8]
# Default, keyword, *args and **kwargs arguments in construction, forwarded through layers of calls.
import torch
import torch.nn as nn
import torch.nn.functional as F


def make_layer(cin, cout, *, bias=True, **unused):
    return nn.Linear(cin, cout, bias=bias)


class MLP(nn.Module):
    def __init__(self, *widths, act='tanh', **kwargs):
        super().__init__()
        self.act = act
        layers = []
        for cin, cout in zip(widths[:-1], widths[1:]):
            layers.append(make_layer(cin, cout, **kwargs))
        self.layers = nn.ModuleList(layers)
        self.extra = kwargs.get('extra', None)

    def forward(self, x, scale=1.0):
        for layer in self.layers:
            x = layer(x)
            x = F.relu(x) if self.act == 'relu' else torch.tanh(x)
        if self.extra is None:
            x = x * scale
        return x


def build(*widths, **kwargs):
    return MLP(*widths, **kwargs)
# ---- expected ----
# func @forward(%0 "x": f32[2,8]) {
# ^bb0:
#   %1 = weight() {name = "layers.0.weight"} : f32[16,8] loc("arguments.py":10:15)
#   %2 = linear(%0, %1) : f32[2,16] loc("arguments.py":25:17)
#   %3 = relu(%2) : f32[2,16] loc("arguments.py":26:19)
#   %4 = weight() {name = "layers.1.weight"} : f32[4,16] loc("arguments.py":10:15)
#   %5 = linear(%3, %4) : f32[2,4] loc("arguments.py":25:17)
#   %6 = relu(%5) : f32[2,4] loc("arguments.py":26:19)
#   %7 = full() {value = 1.0} : f32[] loc("arguments.py":28:19)
#   %8 = mul(%6, %7) : f32[2,4] loc("arguments.py":28:19)
#   ret %8 loc("arguments.py":29:9)
# }
