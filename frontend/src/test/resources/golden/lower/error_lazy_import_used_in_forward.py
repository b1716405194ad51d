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
