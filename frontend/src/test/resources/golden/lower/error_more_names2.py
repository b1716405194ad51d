# entry: Net()
# input: x=float32[2,4]
# The second batch's misuses: rot90 about one dimension, cross of a dimension that is not 3 long,
# triu_indices that select nothing, and chain_matmul of nothing.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        a = torch.rot90(x, 1, [1, 1])
        b = torch.cross(x, x, dim=1)
        c = torch.triu_indices(2, 2, 5)
        d = torch.chain_matmul()
        return a, b, c, d
# ---- expected ----
# error[DN0202]: error_more_names2.py:11:19: rot90: the two dims must differ and lie in the tensor
#    |
# 11 |         a = torch.rot90(x, 1, [1, 1])
#    |                   ^
# error[DN0202]: error_more_names2.py:12:19: cross(): inputs dimension 1 must have length 3
#    |
# 12 |         b = torch.cross(x, x, dim=1)
#    |                   ^
# error[DN0201]: error_more_names2.py:13:19: triu_indices(2, 2, 5) selects 0 positions; compiled tensors need 1 to 65536
#    |
# 13 |         c = torch.triu_indices(2, 2, 5)
#    |                   ^
# error[DN0202]: error_more_names2.py:14:19: chain_matmul(): Expected one or more matrices
#    |
# 14 |         d = torch.chain_matmul()
#    |                   ^
