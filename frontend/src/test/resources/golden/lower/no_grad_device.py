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
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = weight() {name = "fc.weight"} : f32[4,4] loc("no_grad_device.py":11:22)
#   %2 = weight() {name = "fc.bias"} : f32[4] loc("no_grad_device.py":11:22)
#   %3 = linear(%0, %1, %2) : f32[1,4] loc("no_grad_device.py":18:22)
#   %4 = full() {value = 0.0} : f32[1,4] loc("no_grad_device.py":19:19)
#   %5 = add(%3, %4) : f32[1,4] loc("no_grad_device.py":20:19)
#   ret %5 loc("no_grad_device.py":20:9)
# }
