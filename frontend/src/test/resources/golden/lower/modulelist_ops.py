# entry: Net()
# input: x=float32[1,4]
# ModuleList: append, extend, indexing (also negative), slicing, len, iteration, enumerate and zip.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList()
        self.blocks.append(nn.Linear(4, 4))
        self.blocks.extend([nn.Linear(4, 4), nn.Linear(4, 4)])
        self.gates = nn.ModuleList([nn.Sigmoid() for _ in range(len(self.blocks))])
        self.out = nn.ModuleList([nn.Identity(), nn.Linear(4, 2)])

    def forward(self, x):
        x = self.blocks[0](x)
        for i, block in enumerate(self.blocks[1:]):
            x = block(x) + i
        for block, gate in zip(self.blocks, self.gates):
            x = gate(block(x))
        for m in self.out:
            x = m(x)
        return self.out[-1].out_features, x
