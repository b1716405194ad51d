# entry: Net()
# input: x=float32[2,6]
# inputs: 1.0, -1.0, 2.0, -2.0, 0.5, -0.5
# dtype queries research code uses for masking and numerical safety: torch.finfo(dtype).min as an
# attention mask's fill value, finfo().eps and .tiny as guards, torch.iinfo(torch.int64).max as a
# sentinel, is_floating_point(), torch.get_default_dtype() for new tensors.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.q = nn.Linear(6, 6)

    def forward(self, x):
        scores = self.q(x) @ x.t()
        mask = scores < 0
        masked = scores.masked_fill(mask, torch.finfo(scores.dtype).min)
        attn = F.softmax(masked, dim=-1)
        unit = x / (x.norm(dim=1, keepdim=True) + torch.finfo(torch.float32).eps)
        guard = torch.clamp(x.abs(), min=torch.finfo().tiny).log()
        big = torch.where(x > 0, torch.arange(6).expand(2, 6), torch.iinfo(torch.int64).max)
        first = big.min(dim=1)[0]
        ints = torch.iinfo(torch.uint8).max + torch.iinfo(torch.int32).min
        z = torch.zeros(2, dtype=torch.get_default_dtype())
        info = (torch.finfo(torch.float64).eps, torch.finfo(torch.float32).bits, ints)
        if x.is_floating_point() and not torch.is_floating_point(first) and x.sum() > 0:
            return attn, unit, masked, info
        return guard, first, z, attn.sum()
