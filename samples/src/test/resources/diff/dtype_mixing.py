# entry: Net()
# input: x=float32[2,3]
# inputs: 1.0, 3.0
# Binary ops between tensors of different dtypes follow PyTorch's type promotion: float32 with
# float64 is float64 and int32 with int64 int64 when both have dimensions (dynnc kept the left
# operand's dtype), a 0-d tensor of the same kind does not widen one with dimensions, and one of a
# higher kind does. Integer clamps with one bound: int64's missing bound wrapped to its minimum
# (clamp(min=1) gave 1 everywhere) and int32's did not compile.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        d = x.double() * 1.1
        i32 = (x * 10).int()
        i64 = (x * 10).long()
        s64 = torch.tensor(2.5, dtype=torch.float64)
        z32 = torch.tensor(3, dtype=torch.int32)
        c = i64.clamp(min=1)
        floats = (x + d, d + x, s64 + x, x + s64, x * d, torch.where(x > 0, x, d), d > x, d - x, x / d)
        ints = (i32 + i64, i64 + i32, i32 * i64, i32 - i64, i32 > i64, i32 // c, i32 % c, i64 + z32, z32 * i32,
                i32 + s64, s64 * i32, (i32 > 0) + i32, i32 / i64.clamp(min=1))
        clamps = (c, i64.clamp(max=2), torch.clamp(i64, -3), i32.clamp(min=1), i32.clamp(max=-2), i32.clamp(-5, 5),
                  i64.clamp_min(0), i32.clamp_max(3))
        return floats, ints, clamps
