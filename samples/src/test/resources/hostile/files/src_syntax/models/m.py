import torch.nn as nn


class M(nn.Module):
    def forward(self, x)
        return x


def build():
    return M()
