"""A model with two independent mistakes: the build must fail and report both, located."""
import torch
import torch.nn as nn


class Broken(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        y = torch.frobnicate(x)
        z = self.fc(x) + self.missing
        return y, z


def build_model():
    return Broken()
