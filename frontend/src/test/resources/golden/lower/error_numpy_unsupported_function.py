# entry: Net()
# input: x=float32[1,4]
# np.random and np.zeros in training code cost nothing; numpy functions dynnc does not model,
# used in forward, are errors that name the function and the modelled ones.
import numpy as np
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.rng = np.random.RandomState(0)

    def train_step(self):
        return np.zeros(4)

    def forward(self, x):
        p = self.fc(x).detach().cpu().numpy()
        return self.fc(x), np.median(p)
# ---- expected ----
# error[DN0105]: error_numpy_unsupported_function.py:20:31: numpy.median is not supported by dynnc (it models numpy's abs, absolute, all, amax, amin, any, argmax, argmin, array, asarray, bool_, clip, cumsum, exp, float32, float64, float_, int32, int64, int_, log, log10, log2, max, mean, min, prod, sqrt, sum, tanh, where)
#    |
# 20 |         return self.fc(x), np.median(p)
#    |                               ^
