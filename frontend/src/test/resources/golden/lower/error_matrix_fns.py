# entry: Net()
# input: x=float32[3,4]
# PyTorch's errors for diagonals, grids and take_along_dim, and what dynnc does not support yet (an
# empty diagonal): diag of a 3-d tensor, diagonal over one dimension twice, an offset past the
# matrix, trace of a vector, meshgrid with an unknown indexing and of a matrix, take_along_dim with
# a rank or a size that does not match; all in one run.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        a = torch.diag(x.unsqueeze(0))
        b = x.diagonal(0, 1, -1)
        c = torch.diagonal(x, 4)
        d = torch.trace(x[0])
        e = torch.meshgrid(x[0], x[1], indexing='yx')
        f = torch.meshgrid(x, x[0])
        g = torch.take_along_dim(x, x.argmax(dim=1), dim=1)
        h = torch.take_along_dim(x, torch.zeros(2, 4, dtype=torch.long), dim=1)
        return x
# ---- expected ----
# error[DN0202]: error_matrix_fns.py:13:19: matrix or a vector expected (got a 3-d tensor)
#    |
# 13 |         a = torch.diag(x.unsqueeze(0))
#    |                   ^
# error[DN0202]: error_matrix_fns.py:14:15: diagonal dimensions cannot be identical 1, -1
#    |
# 14 |         b = x.diagonal(0, 1, -1)
#    |               ^
# error[DN0201]: error_matrix_fns.py:15:19: the diagonal at offset 4 of a 3x4 matrix is empty
#    |
# 15 |         c = torch.diagonal(x, 4)
#    |                   ^
#    = hint: an empty result is not supported yet
# error[DN0202]: error_matrix_fns.py:16:19: trace: expected a matrix, but got tensor with dim 1
#    |
# 16 |         d = torch.trace(x[0])
#    |                   ^
# error[DN0202]: error_matrix_fns.py:17:19: torch.meshgrid: indexing must be one of "xy" or "ij", but received: yx
#    |
# 17 |         e = torch.meshgrid(x[0], x[1], indexing='yx')
#    |                   ^
# error[DN0202]: error_matrix_fns.py:18:19: torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: 2D tensor
#    |
# 18 |         f = torch.meshgrid(x, x[0])
#    |                   ^
# error[DN0202]: error_matrix_fns.py:19:19: torch.take_along_dim(): input and indices should have the same number of dimensions, but got 2 dimensions for input, and 1 dimensions for indices
#    |
# 19 |         g = torch.take_along_dim(x, x.argmax(dim=1), dim=1)
#    |                   ^
# error[DN0202]: error_matrix_fns.py:20:19: The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0
#    |
# 20 |         h = torch.take_along_dim(x, torch.zeros(2, 4, dtype=torch.long), dim=1)
#    |                   ^
