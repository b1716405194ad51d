# entry: Net()
# input: x=float32[2,5]
# inputs: 1.0, 3.0
# special: x[0,1]=nan x[1,2]=inf x[1,3]=-inf
# torch.bucketize and torch.searchsorted, as an early-exit model maps a confidence to an exit
# through sorted thresholds: ties with repeated boundaries, right=True and side='right',
# out_int32, a scalar value, a per-row (2-d) sorted sequence (without NaN: PyTorch requires it
# sorted), and NaN and infinite values; the
# bucket then picks a branch.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        b = torch.tensor([-1.0, 0.0, 0.0, 1.0])
        rows = torch.sort(torch.nan_to_num(x, nan=0.5), dim=1).values
        out = (torch.bucketize(x, b), torch.bucketize(x, b, right=True), torch.bucketize(x, b, out_int32=True),
               torch.searchsorted(b, x), torch.searchsorted(b, x, side='right'), torch.searchsorted(b, 0.0),
               torch.bucketize(0.5, b), torch.searchsorted(rows, x[:, :3]), torch.searchsorted(rows, x[:, :3], right=True))
        exit_id = int(torch.bucketize(x[0, 0], b))
        if exit_id >= 3:
            return out, x.sum()
        return out, -x.sum()
