# entry: Net()
# input: x=float32[1,4]
# torch.no_grad() as a with block and as a decorator, .to(device), .device, .cpu(), .detach().
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.device = torch.device('cpu')

    @torch.no_grad()
    def forward(self, x):
        x = x.to(self.device)
        with torch.no_grad():
            y = self.fc(x.to(x.device)).detach()
        z = torch.zeros(x.size(0), 4).to(x.device)
        return (y + z).cpu()
# ---- expected ----
# error[DN0102]: no_grad_device.py:14:12: 'NoneType' object is not callable
#    |
# 14 |     @torch.no_grad()
#    |            ^
