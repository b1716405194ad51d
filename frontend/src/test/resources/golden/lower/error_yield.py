# entry: Net()
# input: x=float32[1,4]
# A generator helper: 'yield' is unsupported (DN0003, not a syntax error), reported once where the
# generator is called; the loop over its (unusable) result adds no second error.
import torch.nn as nn


class Net(nn.Module):
    def steps(self, x):
        for _ in range(2):
            x = x * 2
            yield x

    def forward(self, x):
        out = x
        for y in self.steps(x):
            out = out + y
        return out
# ---- expected ----
# error[DN0003]: error_yield.py:12:13: 'yield' is not supported: steps() is a generator
#    |
# 12 |             yield x
#    |             ^
#    = hint: dynnc compiles plain methods; build and return a list (or tuple) of the items instead
