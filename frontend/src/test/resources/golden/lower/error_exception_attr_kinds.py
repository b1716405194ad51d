# entry: Net()
# input: x=float32[1,4]
# An exception attribute that differs in kind between the paths that raised (a message string per
# depth) is fine while the handler does not read it; reading it is DN0205 at the read.
import torch
import torch.nn as nn


class Exit(Exception):
    def __init__(self, value, depth):
        super().__init__("left at depth %d" % depth)
        self.value = value
        self.note = "depth %d" % depth


class Net(nn.Module):
    def layers(self, x):
        for i in range(2):
            x = x * 2
            if x.sum() > 0:
                raise Exit(x, i)
        return x

    def forward(self, x):
        try:
            y = self.layers(x)
        except Exit as e:
            y = e.value
            if e.note == "depth 0":
                y = y + 1
        return y
# ---- expected ----
# error[DN0205]: error_exception_attr_kinds.py:29:18: attribute 'note' is the str 'depth 0' on one path and the str 'depth 1' on the other after the data-dependent branch at error_exception_attr_kinds.py:25:9
#    |
# 29 |             if e.note == "depth 0":
#    |                  ^
#    = hint: make every path assign attribute 'note' a tensor of the same shape, or the same constant
