# entry: Gate()
# input: x=float32[2,8]
# inputs: 1.0, -1.0, 2.0, -2.0, 0.5, -0.5
# Forward code of the PyTorch 0.3/0.4 era, as older dynamic-network code is written:
# Variable(...) around new tensors, the legacy constructor x.new(...) (a shape, a list of data, a
# tensor, nothing) and x.data.new(...).fill_(), .cuda() behind is_cuda, torch.cuda.is_available(),
# torch.jit.is_scripting(), @property and @staticmethod helpers, device=x.device.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd import Variable


class Gate(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 2)

    @property
    def width(self):
        return self.fc.out_features

    @staticmethod
    def hard(p):
        return (p[:, 1] > 0.5).float()

    def forward(self, x):
        h = Variable(torch.zeros(x.size(0), self.width))
        if x.is_cuda:
            h = h.cuda()
        p = F.softmax(self.fc(x), dim=1)
        g = self.hard(p)
        buf = x.new(x.size(0), 3).zero_() + 1
        buf2 = x.data.new(2).fill_(0.5)
        data = x.new([1, 2.5]) * g.sum()
        copied = x.new(p) * 2
        ints = torch.LongTensor([3, 4]).new([7, 8]) + 1
        empty = x.new()
        z = torch.zeros(2, device=x.device)
        if torch.jit.is_scripting():
            return g
        if x.sum() > 0:
            return g, h, buf, buf2, data, copied, ints, empty.shape[0], z, torch.cuda.is_available()
        return p * 2, h + 1, data
