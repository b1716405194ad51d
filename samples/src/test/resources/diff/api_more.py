# entry: ApiMore()
# input: x=float32[2,4,6]
# inputs: 1.0, 2.5, -0.7
# special: x[0,0,0]=0.0 x[0,0,5]=-0.0 x[0,1,0]=inf x[0,1,5]=-inf x[0,2,0]=0.0 x[0,2,5]=-2.0 x[0,3,5]=inf x[1,2,3]=nan x[0,0,1]=0.5
# special: x[0,0,0]=-0.0 x[0,0,5]=0.0 x[0,1,0]=-inf x[0,1,5]=inf x[0,2,0]=-inf x[0,2,5]=3.0 x[1,3,1]=nan x[0,0,1]=0.5
# Names of everyday and older research code: the T and H properties, ravel, nelement,
# ndimension, get_device, Tensor.type, new_tensor, as_tensor, the cat and stack aliases, inverse
# trigonometry and atan2 (signed zeros and infinities in the special inputs), the bitwise
# operators and functions on integer and bool tensors, the torch namespace's dropout and
# batch_norm, F.upsample and its fixed-mode forms, RReLU and the shrink activations, median and
# kthvalue (NaN in the special inputs), cdist and dist, local response normalization, the
# bilinear layer, sliding windows (F.unfold, nn.Unfold, Tensor.unfold), and Python's unary
# operators on a run-time int and bool; a data-dependent branch.
import torch
import torch.nn as nn
import torch.nn.functional as F


class ApiMore(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(6, 6)
        self.bn = nn.BatchNorm2d(2)
        self.bil = nn.Bilinear(6, 4, 3)
        self.bil_nb = nn.Bilinear(4, 4, 2, bias=False)
        self.lrn = nn.LocalResponseNorm(3, alpha=0.1, beta=0.75, k=2.0)
        self.unf = nn.Unfold(kernel_size=(2, 3), padding=1, stride=(1, 2))
        self.rrelu = nn.RReLU(0.1, 0.3)
        self.shrink = nn.Sequential(nn.Hardshrink(0.3), nn.Softshrink(0.1))

    def forward(self, x):
        y = self.proj(x)
        img = x.unsqueeze(0)
        # interpolation weighs an infinity by zero where PyTorch skips it (a documented difference)
        finite = torch.nan_to_num(img, posinf=5.0, neginf=-5.0)
        shapes = (x.T, x[0].T, x[0].H, x.mH, x.ravel(), torch.ravel(y[:, 0]), torch.t(x[0]),
                  torch.clone(y), x.new_tensor([1.5, 2]), x.long().new_tensor([2.5, -1]),
                  torch.as_tensor([1, 2]), torch.as_tensor(y, dtype=torch.float64),
                  torch.as_tensor(x), torch.concat([x, y], dim=1), torch.concatenate((x, y), 2),
                  torch.hstack([x[0, 0], y[1, 1]]), torch.hstack([x, y]),
                  torch.vstack([x[0, 0], y[1, 1]]), torch.row_stack([x[0], y[1]]),
                  x.type(torch.LongTensor), x.type('torch.DoubleTensor'), y.type(torch.int32),
                  (x > 0).type(torch.FloatTensor))
        n = x.nelement() * 100 + x.ndimension() * 10 + x.get_device()
        if x.type() == 'torch.FloatTensor' and x.long().type() == 'torch.LongTensor':
            n = n + 1
        flip = x.flip(-1)
        trig = (torch.atan(x), x.asin(), torch.acos(x / 3), torch.sinh(x), x.cosh(),
                torch.asinh(x), torch.acosh(x.abs() + 1), torch.atanh(x / 3), torch.arctan(x),
                x.arcsin(), torch.atan2(x, flip), x.atan2(y[0]), torch.arctan2(y, x))
        ints = (x.clamp(-4, 4) * 4).long()
        bits = (ints & 6, ints | ints.flip(0), ints ^ 5, ~ints, torch.bitwise_and(ints, 3),
                torch.bitwise_or(x > 0, y > 0), torch.bitwise_xor(x > 0, y < 0),
                torch.bitwise_not(ints), ~(x > 0), (x > 0) & (y > 0), (x > 0) ^ (y > 0),
                ints.bitwise_xor(ints.flip(2)), (x > 0) | ints, 12 & ints)
        fns = (torch.dropout(x, 0.5, False),
               torch.batch_norm(img, self.bn.weight, self.bn.bias, self.bn.running_mean,
                                self.bn.running_var, False, 0.1, 1e-5, False),
               F.upsample(img, scale_factor=2), F.upsample_nearest(img, size=(6, 9)),
               F.upsample_bilinear(finite, scale_factor=2),
               F.upsample(finite, size=(5, 7), mode='bilinear'),
               F.rrelu(x), self.rrelu(x), F.hardshrink(x, 0.4), x.hardshrink(), self.shrink(x),
               F.softshrink(x, 0.2))
        stats = (torch.median(x), x.median(dim=1), torch.median(y, -1, keepdim=True),
                 x.kthvalue(2), torch.kthvalue(y, 3, dim=1, keepdim=True), ints.median(),
                 ints.median(0).values)
        dists = (torch.cdist(x, y), torch.cdist(x[0], y[1], p=1.0), torch.dist(x, y),
                 x.dist(y, p=3))
        layers = (self.bil(x, y[..., :4]), self.bil_nb(x[..., 1:5], y[..., 2:]),
                  F.bilinear(x, y, self.bil.weight[:, :, :2].repeat(1, 1, 3), self.bil.bias),
                  self.lrn(img), F.local_response_norm(x, 2), self.lrn(x), F.local_response_norm(x, 50),
                  self.unf(img), F.unfold(img, 2), F.unfold(img, (3, 2), dilation=(1, 2), stride=2),
                  x.unfold(2, 3, 2), y.unfold(1, 4, 1), x.unfold(0, 1, 1))
        k = int((x > 0).sum().item())
        unary = (~k, +k, -k, ~(k > 20), -(k > 20))
        if x[0, 0, 1] > 0:
            return shapes, n, trig, bits, fns, stats, dists, layers, unary
        return layers, n, bits, unary
