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
