# entry: Net()
# input: x=float32[1,4]
# Module.half() changes the parameters' dtype, which a float32 checkpoint and dynnc do not follow.
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4).half()

    def forward(self, x):
        return self.fc(x)
# ---- expected ----
# error[DN0201]: error_module_half.py:10:35: Module.half() changes the dtype of the module's parameters, which dynnc does not model
#    |
# 10 |         self.fc = nn.Linear(4, 4).half()
#    |                                   ^
#    = hint: dynnc compiles the model in float32, as the checkpoint stores it
