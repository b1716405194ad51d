# entry: Net()
# input: x=float32[1,3,16,16]
# inputs: 0.05, 0.3, 1.0, 3.0, 0.1, 6.0, 2.0, 0.6, 10.0, 0.02
# BlockDrop's residual stages, for the layouts at subgraph boundaries: a policy decides every block
# up front, each block runs or is skipped, and the stage that halves the resolution takes its
# shortcut as the pooled input and as many zero channels (ResNet's option A). Between subgraphs the
# residual stream travels blocked (NCHW8c, then NCHW16c), although the subgraphs that read it pool
# it, add it to a convolution's result or concatenate it: none of those needs NCHW. The decision
# for each block is a slice of the policy, computed where the policy is. The summary pools the
# 16x16 stage globally and the energy averages the stem's output over H and W (both two vectorized
# sums instead of TVM's kernels); the head pools 8x8 (TVM's kernel, faster there) of a ReLU of the
# blocked stream, blocked too.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)

    def forward(self, x):
        return self.conv2(torch.tanh(self.conv1(x)))


def shortcut(x):
    x = F.avg_pool2d(x, 2)
    return torch.cat((x, x.mul(0)), 1)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.policy = nn.Linear(3, 4, bias=False)
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.blocks = nn.ModuleList([Block(8, 8, 1), Block(8, 16, 2), Block(16, 16, 1), Block(16, 16, 1)])
        self.fc = nn.Linear(16, 5)

    def forward(self, x):
        probs = torch.sigmoid(self.policy(x.mean(dim=(2, 3))) * 4.0)
        x = torch.tanh(self.stem(x))
        energy = x.mean(dim=(2, 3))
        for t in range(4):
            if t == 1:
                summary = F.adaptive_avg_pool2d(x, 1).flatten(1)
            residual = shortcut(x) if t == 1 else x
            action = probs[:, t]
            if action.item() > 0.5:
                x = torch.tanh(residual + self.blocks[t](x))
            else:
                x = residual
        return self.fc(F.adaptive_avg_pool2d(F.relu(x), 1).view(1, -1)), probs, summary, energy
