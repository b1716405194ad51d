# entry: Net()
# input: x=float32[1,4]
# scipy is imported at the top of the model file, as research code does; importing it costs
# nothing, but forward calls it, so the error names the call and the import line.
import scipy.special as sps
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return sps.expit(self.fc(x))
# ---- expected ----
# error[DN0105]: error_lazy_import_used_in_forward.py:15:20: 'scipy.special' is from 'scipy', a library dynnc does not model, so it cannot be used here
#    |
# 15 |         return sps.expit(self.fc(x))
#    |                    ^
#    = hint: imported here: error_lazy_import_used_in_forward.py:5
