# entry: Net()
# input: x=float32[1,4]
# Module.to(torch.float64) moves the parameters to another dtype, which dynnc does not follow; a
# move to the CPU or to float32 has no effect and is accepted.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4).to('cpu').to(torch.float32)
        self.fc.to(device='cpu', dtype=torch.float64)

    def forward(self, x):
        return self.fc(x)
# ---- expected ----
# error[DN0201]: error_module_to_float64.py:13:17: Module.to(float64) changes the dtype of the module's parameters, which dynnc does not model
#    |
# 13 |         self.fc.to(device='cpu', dtype=torch.float64)
#    |                 ^
#    = hint: dynnc compiles the model in float32, as the checkpoint stores it
