# entry: ShapeOps()
# input: x=float32[2,3,5]
# input: n=int64[4,6]
# inputs: 1.0, 2.5, -0.7
# special: x[0,0,0]=nan x[0,1,1]=inf x[1,2,3]=-inf x[1,0,4]=-0.0
# sort and argsort (0-d inputs too, values with ties, indices only of inputs without ties, ties with stable=True),
# flip, roll (also flattened), tril and triu with positive and negative diagonals, Tensor.mT,
# movedim/moveaxis, tile, broadcast_to and repeat_interleave, each its own output, with negative
# dims; a data-dependent branch on the input.
import torch
import torch.nn as nn


class ShapeOps(nn.Module):
    def forward(self, x, n):
        s = torch.sort(x)
        d = x.sort(dim=1, descending=True)
        ties = torch.floor(x * 2)
        stable = torch.sort(ties, dim=-1, stable=True)
        sorts = (s.values, s.indices, d[0], d[1], torch.argsort(x, dim=0), x.argsort(-2, True),
                 torch.sort(ties, 0, True).values, torch.sort(n, 1)[0], n.sort(0, descending=True)[0],
                 torch.sort(n > 2, dim=1).values, stable.values, stable.indices,
                 torch.argsort(ties, dim=1, descending=True, stable=True), x[1, 1, 1].sort(),
                 torch.argsort(x[1, 1, 1], 0))
        moved = (torch.flip(x, [0, 2]), x.flip(-1), n.flip(0, 1), torch.roll(x, 2, 1),
                 x.roll(-7, -1), torch.roll(x, (1, -2), (0, 2)), torch.roll(n, 5),
                 torch.roll(x, [1, 1], [2, 2]), torch.tril(x), x.triu(), torch.tril(x, -1),
                 torch.triu(x, 2), n.tril(1), torch.triu(n > 1, -1), x.mT, n.mT,
                 torch.movedim(x, 0, -1), x.movedim((0, 1), (2, 0)), torch.moveaxis(x, -1, 0))
        tiled = (torch.tile(x, (2,)), x.tile(2, 1, 1, 3), n.tile((1, 2)),
                 torch.broadcast_to(x[0, 0], (3, 5)), x[:, :1].broadcast_to(4, 2, 3, 5),
                 x.broadcast_to((-1, 3, 5)), torch.repeat_interleave(x, 2),
                 x.repeat_interleave(3, dim=1), n.repeat_interleave(2, -1, output_size=12),
                 torch.repeat_interleave(x, 1, 0))
        if x[0, 0, 1] > 0:
            return sorts, moved, tiled
        return tiled, moved[:4]
