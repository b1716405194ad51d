# entry: Net()
# input: x=float32[2,5,3]
# The names added with ApiMore refuse what PyTorch refuses, at the call: bitwise operators on float
# tensors, tensor.H beyond 2-D, an element type dynnc has no kernels for, functional dropout and
# RReLU in training mode (random), kthvalue's k out of range, F.unfold of a 3-d input, Bilinear
# called with one input, a sample drawn from a distribution, and a Categorical given both probs and
# logits.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.bil = nn.Bilinear(3, 3, 2)

    def forward(self, x):
        a = x & (x > 0)
        b = ~x
        c = x.H
        d = x.type(torch.HalfTensor)
        d2 = x.type("torch.cuda.HalfTensor")
        e = torch.dropout(x, 0.5, True)
        f = F.rrelu(x, training=True)
        g = x.kthvalue(4)
        h = F.unfold(x, 2)
        i = self.bil(x)
        j = torch.distributions.Bernoulli(probs=x.sigmoid()).sample()
        k = torch.distributions.Categorical(probs=x, logits=x)
        return x
# ---- expected ----
# error[DN0202]: error_api_more.py:19:15: bitwise_and is not implemented for float32 tensors
#    |
# 19 |         a = x & (x > 0)
#    |               ^
#    = hint: PyTorch's &, | and ^ take bool or integer tensors; compare first (x > 0) for a mask
# error[DN0202]: error_api_more.py:20:13: bitwise_not is not implemented for float32 tensors
#    |
# 20 |         b = ~x
#    |             ^
#    = hint: ~ takes a bool or integer tensor; use torch.logical_not(x) for x == 0
# error[DN0202]: error_api_more.py:21:15: tensor.H is only supported on matrices (2-D tensors). Got 3-D tensor.
#    |
# 21 |         c = x.H
#    |               ^
# error[DN0105]: error_api_more.py:22:26: torch.HalfTensor is not supported by dynnc: dynnc computes in float32, float64, int32, int64, uint8 and bool only
#    |
# 22 |         d = x.type(torch.HalfTensor)
#    |                          ^
#    = hint: docs/supported-api.md lists the supported functions, methods and layers
# error[DN0201]: error_api_more.py:23:16: Tensor.type(torch.cuda.HalfTensor) is not supported
#    |
# 23 |         d2 = x.type("torch.cuda.HalfTensor")
#    |                ^
#    = hint: dynnc's tensors are float32, float64, int32, int64 or bool: torch.FloatTensor, DoubleTensor, IntTensor, LongTensor or BoolTensor
# error[DN0201]: error_api_more.py:24:19: torch.dropout with train=True is not supported
#    |
# 24 |         e = torch.dropout(x, 0.5, True)
#    |                   ^
#    = hint: compiled models run in eval mode; pass train=False
# error[DN0201]: error_api_more.py:25:15: F.rrelu with training=True is not supported
#    |
# 25 |         f = F.rrelu(x, training=True)
#    |               ^
#    = hint: compiled models run in eval mode; pass training=False
# error[DN0202]: error_api_more.py:26:15: kthvalue(): selected number k out of range for dimension 2
#    |
# 26 |         g = x.kthvalue(4)
#    |               ^
#    = hint: k is 4; the dimension has 3 elements
# error[DN0201]: error_api_more.py:27:15: F.unfold of a 3-d input is not supported
#    |
# 27 |         h = F.unfold(x, 2)
#    |               ^
#    = hint: only 4-d (N, C, H, W) inputs are
# error[DN0102]: error_api_more.py:28:18: Bilinear.forward takes two inputs, got 1
#    |
# 28 |         i = self.bil(x)
#    |                  ^
# error[DN0105]: error_api_more.py:29:62: Bernoulli.sample() draws random numbers, which make the compiled model nondeterministic
#    |
# 29 |         j = torch.distributions.Bernoulli(probs=x.sigmoid()).sample()
#    |                                                              ^
#    = hint: in eval mode take the mode or the probabilities (probs > 0.5), or pass the draw as an input
# error[DN0202]: error_api_more.py:30:33: Categorical: either `probs` or `logits` must be specified, but not both.
#    |
# 30 |         k = torch.distributions.Categorical(probs=x, logits=x)
#    |                                 ^
