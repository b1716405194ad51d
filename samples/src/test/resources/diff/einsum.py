# entry: Einsum()
# input: x=float32[2,3,4]
# input: y=float32[4,5]
# inputs: 1.0, 2.5, -0.7
# special: x[0,0,0]=nan x[1,2,3]=inf
# torch.einsum lowered to transposes, reshapes, batch matmuls and sums, each equation its own
# output: two operands (batch, contracted, left-only and right-only subscripts, a subscript summed
# before the product), one operand (permutations and sums), three operands, implicit outputs
# (upper case before lower case), '...' (broadcast batch dimensions), size-1 subscripts that
# broadcast, spaces, and the operands given as one list; a data-dependent branch on the input.
import torch
import torch.nn as nn


class Einsum(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(5, 3))
        self.v = nn.Parameter(torch.randn(1, 5))

    def forward(self, x, y):
        a = x[0]
        two = (torch.einsum('bij,jk->bik', x, y), torch.einsum('bij,bkj->bik', x, x),
               torch.einsum('bij,bik->bjk', x, x), torch.einsum('bij,jk->k', x, y),
               torch.einsum('ij,kj->', a, a), torch.einsum('i,j->ij', a[0], y[0]),
               torch.einsum('i,i->', y[:, 0], y[:, 1]), torch.einsum('ij,ij->ij', a, a[:1]),
               torch.einsum('ij,jk->ik', a, self.v), torch.einsum('ij,jk->ikj', a, self.v),
               torch.einsum('bij,jk->bki', x, y), torch.einsum('ij,->ij', a, x[0, 0, 0]))
        one = (torch.einsum('bij->bji', x), torch.einsum('bij->j', x), torch.einsum('bij->', x),
               torch.einsum('ij->ji', a), torch.einsum('b i j -> j b', x))
        implicit = (torch.einsum('ij,jk', a, y), torch.einsum('ba,cb', a, a.t()),
                    torch.einsum('Ab,bC', a, y), torch.einsum('bij', x), torch.einsum('ji', a))
        ell = (torch.einsum('...ij,jk->...ik', x, y), torch.einsum('...j,...j->...', x, x),
               torch.einsum('...ij,...jk', x, y.unsqueeze(0)), torch.einsum('b...->...b', x),
               torch.einsum('...ij,...jk->...ik', x, y), torch.einsum('i...->i', x),
               torch.einsum('...', x))
        many = (torch.einsum('bi,ij,jk->bk', x[:, 0], y, self.w),
                torch.einsum('ij,jk,kl,lm->im', a, y, self.w, self.w.t()),
                torch.einsum('bij,jk,bik->bk', x, y, x.sum(2, keepdim=True).expand(2, 3, 5)),
                torch.einsum('ij,jk->ik', [a, y]), torch.einsum('ij,jk->ik', (a, y)))
        if x[0, 0, 1] > 0:
            return two, one, implicit, ell, many
        return many, ell
