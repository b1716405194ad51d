# entry: Net()
# input: x=float32[1,4]
# A tensor carried by a data-dependent loop grows at every iteration (DN0207).
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        seq = x
        while seq.sum() < 10:
            seq = torch.cat([seq, x], dim=1)
        return seq
# ---- expected ----
# error[DN0207]: error_loop_shape_grows.py:11:9: the loop-carried variable 'seq' is a Tensor f32[1,4] when an iteration of this data-dependent loop starts and a Tensor f32[1,8] after it
#    |
# 11 |         while seq.sum() < 10:
#    |         ^
#    = hint: a tensor carried by a while loop must keep its shape and dtype, so that its body is compiled once; pad it to a fixed size, or bound the loop with 'for t in range(N)'
