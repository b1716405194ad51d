# entry: Net()
# input: x=float32[1,4]
# A dataset class derives from torch.utils.data.Dataset: defining it costs nothing, but taking the
# length of one while building the model is a use.
import torch.nn as nn
from torch.utils.data import Dataset


class Digits(Dataset):
    def __len__(self):
        return 10


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, len(Digits()))

    def forward(self, x):
        return self.fc(x)
# ---- expected ----
# error[DN0105]: error_lazy_dataset_class_used.py:17:32: 'Digits(...)' is a class derived from 'torch.utils.data.Dataset', which is outside the part of PyTorch that dynnc models, so it cannot be used here
#    |
# 17 |         self.fc = nn.Linear(4, len(Digits()))
#    |                                ^
#    = hint: imported here: error_lazy_dataset_class_used.py:6
