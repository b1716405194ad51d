# entry: Net()
# input: x=float32[1,4]
# inputs: 0.5, 2.0, 7.0
# special: x[0,1]=0
# special: x[0,1]=-0
# special: x[0,3]=0
# raises: division by zero
# Python's /, // and % of run-time floats (and / of ints) raise ZeroDivisionError on a zero
# divisor, of either sign, where IEEE division gives an infinity or NaN: the compiled model must
# raise there too, and divide as Python does elsewhere.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        a = x[0, 0].item()
        b = x[0, 1].item()
        r = a / b
        q = a // b
        m = a % b
        n = int(x[0, 2].item() * 10)
        d = int(x[0, 3].item() * 10)
        k = n / d
        return x * r + q - m, k
