# entry: Net()
# input: x=float32[2,3,4]
# input: ids=int64[5]
# inputs: 1.0, -1.0, 2.0, -2.0, 0.5, -0.5
# special: x[0,0,0]=nan x[0,0,1]=inf x[1,0,0]=0
# The second batch of names from the sweep: isin (stop tokens, NaN in nothing, invert), aminmax
# (named fields), rot90 (every k, negative k, other dims), triu_indices/tril_indices for pairwise
# features, take, cross (explicit and default dim), sinc, vdot, adjoint, detach_, chain_matmul,
# result_type and promote_types.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x, ids):
        stop = torch.tensor([2, 4])
        found = (torch.isin(ids, stop), torch.isin(ids, stop, invert=True), torch.isin(ids, 3),
                 torch.isin(x, x[0, 0]))
        mm = torch.aminmax(x)
        md = torch.aminmax(x, dim=1, keepdim=True)
        rots = (torch.rot90(x[0]), torch.rot90(x, 2, [1, 2]), x.rot90(-1, [2, 0]),
                torch.rot90(x, 4, [0, 1]))
        iu = torch.triu_indices(3, 4, 1)
        il = torch.tril_indices(4, 4, -1)
        m = x[0, :, :3]
        pairs = m[:, iu[0, :3]] * m[:, il[1, :3]]
        picked = torch.take(x, ids - 2)
        crosses = (torch.cross(x[:, :, :3].transpose(1, 2), x[:, :, 1:].transpose(1, 2), dim=2),
                   torch.cross(m, m.flip(0)))
        misc = (torch.sinc(x), torch.vdot(x[0, 0], x[1, 1]), torch.adjoint(x), x.clone().detach_(),
                torch.chain_matmul(m, m.t(), m))
        dt = torch.zeros(2, dtype=torch.result_type(ids, 2.5)) + torch.ones(
            2, dtype=torch.promote_types(torch.int32, torch.int64))
        if (ids > 2).sum() > 2:
            return found, mm.min, mm.max, md, rots, iu, il, pairs
        return picked, crosses, misc, dt, md.max
