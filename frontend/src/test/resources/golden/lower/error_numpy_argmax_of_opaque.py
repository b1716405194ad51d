# entry: Net()
# input: x=float32[1,4]
# np.argmax of a value from a library dynnc does not model: the error names the opaque value
# and where it was imported.
import numpy as np
import scipy.special as sps
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return self.fc(x), np.argmax(sps.softmax)
# ---- expected ----
# error[DN0105]: error_numpy_argmax_of_opaque.py:16:42: 'scipy.special' is from 'scipy', a library dynnc does not model, so it cannot be used here
#    |
# 16 |         return self.fc(x), np.argmax(sps.softmax)
#    |                                          ^
#    = hint: imported here: error_numpy_argmax_of_opaque.py:6
