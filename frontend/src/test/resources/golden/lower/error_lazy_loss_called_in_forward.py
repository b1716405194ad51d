# entry: Net()
# input: x=float32[1,4]
# A loss made in __init__ costs nothing until forward calls it: the loss is outside the part of
# PyTorch dynnc models, and the note points at the line that named it.
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.criterion = nn.CrossEntropyLoss()

    def forward(self, x):
        return self.criterion(self.fc(x), x)
# ---- expected ----
# error[DN0105]: error_lazy_loss_called_in_forward.py:15:21: 'torch.nn.CrossEntropyLoss(...)' is not supported by dynnc (a training loss; compiled models run inference only), so it cannot be used here
#    |
# 15 |         return self.criterion(self.fc(x), x)
#    |                     ^
#    = hint: named here: error_lazy_loss_called_in_forward.py:12
