# entry: Net()
# input: x=float32[1,4]
# Construction code that only stores, passes and tests values of libraries dynnc does not model:
# a relative import that fails falls back in its ImportError handler, a SyncBatchNorm class that
# may be missing is tested with `is None` and in an isinstance tuple, an optimizer factory waits in
# a functools.partial, a dataset class and a training loop are defined and never used, a nonlocal
# counter counts the layers, and a module deep-copied with its parameters gets its own state.
import copy
import functools

import torch.nn as nn
import torch.optim as optim
from torch.utils.data import Dataset

try:
    from .sync import SyncBatchNorm
except ImportError:
    SyncBatchNorm = getattr(nn, 'SyncBatchNorm', None)

make_optimizer = functools.partial(optim.Adam, lr=1e-3)


class Pairs(Dataset):
    def __getitem__(self, i):
        return i


def fit(model):
    opt = make_optimizer(model.parameters())
    for batch in Pairs():
        opt.step()


def counted():
    n = 0

    def bump(layer):
        nonlocal n
        n += 1
        return layer
    return bump, lambda: n


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        bump, count = counted()
        self.fc = bump(nn.Linear(4, 4))
        self.twin = bump(copy.deepcopy(self.fc))
        self.norm_is_sync = SyncBatchNorm is not None and isinstance(self.fc, (nn.BatchNorm1d, SyncBatchNorm))
        self.layers = count()
        self.opt_factory = make_optimizer

    def forward(self, x):
        y = self.fc(x) + self.twin(x)
        return y * self.layers


if __name__ == '__main__':
    fit(Net())
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = weight() {name = "fc.weight"} : f32[4,4] loc("lazy_construction.py":48:27)
#   %2 = weight() {name = "fc.bias"} : f32[4] loc("lazy_construction.py":48:27)
#   %3 = linear(%0, %1, %2) : f32[1,4] loc("lazy_construction.py":55:18)
#   %4 = weight() {name = "twin.weight"} : f32[4,4] loc("lazy_construction.py":48:27)
#   %5 = weight() {name = "twin.bias"} : f32[4] loc("lazy_construction.py":48:27)
#   %6 = linear(%0, %4, %5) : f32[1,4] loc("lazy_construction.py":55:31)
#   %7 = add(%3, %6) : f32[1,4] loc("lazy_construction.py":55:24)
#   %8 = full() {value = 2.0} : f32[] loc("lazy_construction.py":56:18)
#   %9 = mul(%7, %8) : f32[1,4] loc("lazy_construction.py":56:18)
#   ret %9 loc("lazy_construction.py":56:9)
# }
