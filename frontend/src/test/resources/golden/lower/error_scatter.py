# entry: Net()
# input: x=float32[3,4]
# scatter and index_add refuse what PyTorch refuses: a float index, an index of another rank, an
# index larger than the source, a source of another dtype, an unknown reduce, an index_add source
# of the wrong shape, a 2-d index for index_fill; all in one run.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        i = x.argmax(dim=1, keepdim=True)
        a = x.scatter(1, i.float(), x)
        b = x.scatter(1, i[:, 0], x)
        c = x.scatter(1, i.repeat(1, 5), x)
        d = x.scatter(1, i, x.long())
        e = x.scatter(1, i, x, reduce='mean')
        f = x.index_add(0, i[:, 0], x[:2])
        g = x.index_fill(1, i, 0.0)
        return x
# ---- expected ----
# error[DN0202]: error_scatter.py:13:15: scatter(): Expected dtype int64 for index
#    |
# 13 |         a = x.scatter(1, i.float(), x)
#    |               ^
# error[DN0202]: error_scatter.py:14:15: Index tensor must have the same number of dimensions as self tensor
#    |
# 14 |         b = x.scatter(1, i[:, 0], x)
#    |               ^
# error[DN0202]: error_scatter.py:15:15: Expected index [3, 5] to be smaller than src [3, 4]
#    |
# 15 |         c = x.scatter(1, i.repeat(1, 5), x)
#    |               ^
# error[DN0202]: error_scatter.py:16:15: scatter(): Expected self.dtype to be equal to src.dtype
#    |
# 16 |         d = x.scatter(1, i, x.long())
#    |               ^
# error[DN0202]: error_scatter.py:17:15: reduce argument must be either add or multiply, got mean
#    |
# 17 |         e = x.scatter(1, i, x, reduce='mean')
#    |               ^
# error[DN0202]: error_scatter.py:18:15: index_add_(): Number of indices (3) should be equal to source.size(dim): (2), for dim: 0
#    |
# 18 |         f = x.index_add(0, i[:, 0], x[:2])
#    |               ^
# error[DN0202]: error_scatter.py:19:15: index_fill_(): Index has to be a vector/scalar of integers, got i64[3,1]
#    |
# 19 |         g = x.index_fill(1, i, 0.0)
#    |               ^
