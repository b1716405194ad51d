# entry: Net()
# input: x=float32[1,4]
# flatten_parameters exists on recurrent layers only, as in PyTorch.
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.fc.flatten_parameters()

    def forward(self, x):
        return self.fc(x)
# ---- expected ----
# error[DN0101]: error_flatten_parameters_not_rnn.py:11:17: 'Linear' object has no attribute 'flatten_parameters'
#    |
# 11 |         self.fc.flatten_parameters()
#    |                 ^
#    = hint: flatten_parameters is a method of nn.RNN, nn.LSTM and nn.GRU
