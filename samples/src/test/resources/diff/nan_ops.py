# entry: Net()
# input: x=float32[2,3,6,6]
# input: v=float32[4,6]
# input: w=float32[4,6]
# inputs: 1.0
# special: x[0,1,2,3]=nan x[1,0,4,4]=inf x[1,2,0,1]=-inf v[0,1]=nan v[1,0]=inf v[1,3]=nan v[2,5]=-inf v[3,2]=inf v[3,4]=-inf w[0,3]=nan w[2,5]=nan w[3,0]=inf
# special: x[0,0,0,0]=inf x[0,0,0,1]=-inf x[1,1,5,5]=nan v[0,0]=inf v[0,5]=-inf v[1,2]=nan v[1,4]=nan v[2,0]=-inf w[1,1]=-inf w[3,3]=inf
# special: x[0,2,3,3]=-nan x[1,1,2,2]=-nan v[0,0]=-inf v[0,1]=-inf v[0,2]=-inf v[0,3]=-inf v[0,4]=-inf v[0,5]=-inf v[2,2]=-nan w[1,0]=inf w[1,1]=inf w[1,2]=inf w[1,3]=inf w[1,4]=inf w[1,5]=inf w[3,1]=-nan
# Every op with NaN, +Inf and -Inf inputs: the `# special:` cases put them at fixed positions of
# random inputs (-nan is a NaN with the sign bit set, as x86 makes them; the third case has rows
# of only -inf and only +inf); values, the NaN pattern and signed infinities must equal PyTorch's.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.fc = nn.Linear(6, 5)

    def forward(self, x, v, w):
        pooled = {
            "max_pool": F.max_pool2d(x, 2),
            "max_pool_pad_ceil": F.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True),
            "avg_pool": F.avg_pool2d(x, 2),
            "adaptive_avg_pool": F.adaptive_avg_pool2d(x, 1),
            "conv_relu_pool": F.max_pool2d(F.relu(self.conv(x)), 2),
        }
        mx, imx = torch.max(v, dim=1)
        mn, imn = torch.min(v, dim=0, keepdim=True)
        elementwise = {
            "relu": F.relu(v), "relu6": F.relu6(v * 4), "clamp": v.clamp(-0.5, 0.5), "clamp_min": torch.clamp(v, min=0.0),
            "leaky_relu": F.leaky_relu(v, 0.1), "sigmoid": torch.sigmoid(v), "tanh": torch.tanh(v),
            "exp": torch.exp(v), "abs": v.abs(), "neg": -v, "sqrt_abs": torch.sqrt(v.abs()),
            "maximum": torch.maximum(v, w), "minimum": torch.minimum(v, w), "max2": torch.max(w, v),
            "add": v + w, "mul": v * w, "div": v / w, "sub_scalar": v - 1.5,
        }
        reductions = {
            "max": mx, "argmax_of_max": imx, "min": mn, "argmin_of_min": imn,
            "max_all": v.max(), "min_all": w.min(), "argmax": torch.argmax(v, dim=1), "argmin": torch.argmin(w, dim=1),
            "argmax_flat": torch.argmax(v), "sum": v.sum(dim=1), "mean": w.mean(dim=0),
            "softmax": F.softmax(v, dim=1), "log_softmax": F.log_softmax(w, dim=1),
        }
        compare = {
            "gt": v > w, "ge": v >= 0.0, "lt": v < w, "le": w <= 0.5, "eq": v == w, "ne": v != w,
            "where": torch.where(v > w, v, w), "where_nan": torch.where(v != v, w, v),
            "any_pos": (v > 0).any(dim=1), "any": v.any(dim=1), "all": w.all(dim=0),
            "not_lt": ~(v < w), "not_ge": ~(v >= 0.0),
            # a value compared with itself: TVM folds x == x to true, wrong at a NaN
            "eq_self": v == v.clone(), "le_self": w <= w, "ge_self": (v + 1) >= (v + 1),
            "lt_self": v < v, "ne_self": w != w.clone(),
            # TVM folds x - x to 0, which is NaN at an infinity or NaN
            "sub_self": v - v, "sub_same": (w + 1) - (w + 1), "max_diff": v.max() - v.max(),
        }
        dense = {"matmul": torch.matmul(v, w.t()), "linear": self.fc(v), "conv": self.conv(x)}
        return pooled, elementwise, reductions, compare, dense
