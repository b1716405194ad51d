# entry: Net(mode='b')
# input: x=float32[1,4]
# ModuleDict: built from a dict, indexed by a construction-time key, iterated by keys and items.
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, mode):
        super().__init__()
        self.mode = mode
        self.heads = nn.ModuleDict({'a': nn.Linear(4, 3), 'b': nn.Linear(4, 5)})
        self.heads['c'] = nn.Linear(4, 7)
        self.acts = nn.ModuleDict()
        for k in self.heads.keys():
            self.acts[k] = nn.ReLU()

    def forward(self, x):
        outs = {}
        for name, head in self.heads.items():
            if name != 'a':
                outs[name] = self.acts[name](head(x))
        return outs[self.mode], outs
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = weight() {name = "heads.b.weight"} : f32[5,4] loc("moduledict.py":11:67)
#   %2 = weight() {name = "heads.b.bias"} : f32[5] loc("moduledict.py":11:67)
#   %3 = linear(%0, %1, %2) : f32[1,5] loc("moduledict.py":21:46)
#   %4 = relu(%3) : f32[1,5] loc("moduledict.py":21:39)
#   %5 = weight() {name = "heads.c.weight"} : f32[7,4] loc("moduledict.py":12:30)
#   %6 = weight() {name = "heads.c.bias"} : f32[7] loc("moduledict.py":12:30)
#   %7 = linear(%0, %5, %6) : f32[1,7] loc("moduledict.py":21:46)
#   %8 = relu(%7) : f32[1,7] loc("moduledict.py":21:39)
#   ret (%4, {"b": %4, "c": %8}) loc("moduledict.py":22:9)
# }
