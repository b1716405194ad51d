# entry: Net()
# input: x=float32[1,4]
# inputs: 0.5, 2.0, 8.0, 0.1, 5.0, 6.0
# raises: ZeroDivisionError
# Integer division by a run-time divisor that holds a zero on some inputs: PyTorch raises
# ZeroDivisionError for //, %, floor_divide, remainder, fmod and div with a rounding mode, and the
# compiled model must too (TVM's integer division gives an undefined value there). Divisions by
# nonzero constants need no check.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        i = (x * 10).long()
        d = (x * 3).long()
        safe = (i // 3, i % torch.tensor(4), torch.remainder(i, 5), i // torch.tensor([2, 3, 4, 5]))
        if x.sum() > 3:
            return safe, i // d.abs().clamp(min=1)
        return safe, i // d, i % d, torch.floor_divide(i, d), torch.remainder(i, d), torch.fmod(i, d), torch.div(i, d, rounding_mode='trunc')
