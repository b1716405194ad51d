# entry: Net()
# input: x=float32[1,4]
# nn.utils.spectral_norm with a parameter the layer lacks, no power iterations, or a dim outside
# the weight gets PyTorch's message at the call.
import torch.nn as nn
from torch.nn.utils import spectral_norm


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = spectral_norm(nn.Linear(4, 4), name='kernel')
        self.b = spectral_norm(nn.Linear(4, 4), n_power_iterations=0)
        self.c = spectral_norm(nn.Linear(4, 4), dim=2)

    def forward(self, x):
        return self.a(x), self.b(x), self.c(x)
# ---- expected ----
# error[DN0101]: error_spectral_norm.py:12:18: spectral_norm(): Linear has no parameter 'kernel'
#    |
# 12 |         self.a = spectral_norm(nn.Linear(4, 4), name='kernel')
#    |                  ^
#    = hint: name one of its parameters: weight, bias
# error[DN0202]: error_spectral_norm.py:13:18: Expected n_power_iterations to be positive, but got n_power_iterations=0
#    |
# 13 |         self.b = spectral_norm(nn.Linear(4, 4), n_power_iterations=0)
#    |                  ^
# error[DN0202]: error_spectral_norm.py:14:18: spectral_norm(): dim 2 is out of range for a weight of rank 2
#    |
# 14 |         self.c = spectral_norm(nn.Linear(4, 4), dim=2)
#    |                  ^
