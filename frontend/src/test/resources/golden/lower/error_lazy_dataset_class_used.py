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
