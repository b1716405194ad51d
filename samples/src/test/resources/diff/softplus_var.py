# entry: Net()
# input: x=float32[2,6]
# inputs: 0.05, 1.0, 30.0
# nn.Softplus and F.softplus (beta, and the linear part past the threshold) and Tensor.var
# (unbiased by default, over dims, keepdim), as a mixture-of-experts gate computes its noise.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(6, 6)
        self.softplus = nn.Softplus()
        self.sharp = nn.Softplus(beta=2.0, threshold=5.0)

    def forward(self, x):
        h = self.fc(x) * 3
        cv = h.var() / (h.mean() ** 2 + 1e-10)
        return (self.softplus(h), self.sharp(h), F.softplus(h, beta=0.5), cv,
                h.var(dim=1), torch.var(h, 0, unbiased=False, keepdim=True))
