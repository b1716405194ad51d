# entry: Net()
# input: x=float32[2,4]
# Misspelled names are DN0113, unknown to dynnc, with the nearest supported name as a hint: in torch,
# torch.nn.functional, torch.nn and among tensor methods; all reported in one run.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linaer(4, 4)

    def forward(self, x):
        a = torch.sofmax(x, 1)
        b = F.rleu(x)
        c = x.unsqeeze(0)
        d = torch.frobnicate(x)
        return x
# ---- expected ----
# error[DN0113]: error_unknown_names.py:13:22: torch.nn.Linaer is not a PyTorch name dynnc knows
#    |
# 13 |         self.fc = nn.Linaer(4, 4)
#    |                      ^
#    = hint: did you mean torch.nn.Linear?
# error[DN0113]: error_unknown_names.py:16:19: torch.sofmax is not a PyTorch name dynnc knows
#    |
# 16 |         a = torch.sofmax(x, 1)
#    |                   ^
#    = hint: did you mean torch.softmax?
# error[DN0113]: error_unknown_names.py:17:15: torch.nn.functional.rleu is not a PyTorch name dynnc knows
#    |
# 17 |         b = F.rleu(x)
#    |               ^
#    = hint: did you mean torch.nn.functional.relu?
# error[DN0113]: error_unknown_names.py:18:15: Tensor.unsqeeze is not a PyTorch name dynnc knows
#    |
# 18 |         c = x.unsqeeze(0)
#    |               ^
#    = hint: did you mean Tensor.unsqueeze?
# error[DN0113]: error_unknown_names.py:19:19: torch.frobnicate is not a PyTorch name dynnc knows
#    |
# 19 |         d = torch.frobnicate(x)
#    |                   ^
#    = hint: check the spelling; docs/supported-api.md lists the supported functions, methods and layers
