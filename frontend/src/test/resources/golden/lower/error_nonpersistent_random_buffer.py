# entry: Net()
# input: x=float32[1,4]
# A non-persistent buffer is not in the checkpoint: dynnc knows its values only when it is made of
# zeros or ones, and this one is random.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.register_buffer('noise', torch.randn(4), persistent=False)

    def forward(self, x):
        return self.fc(x) + self.noise
# ---- expected ----
# error[DN0201]: error_nonpersistent_random_buffer.py:16:34: the buffer registered at error_nonpersistent_random_buffer.py:13:14 with persistent=False is not in the checkpoint, and dynnc knows its values only when torch.zeros or torch.ones made it
#    |
# 16 |         return self.fc(x) + self.noise
#    |                                  ^
#    = hint: register it with persistent=True, so that the checkpoint holds its values
