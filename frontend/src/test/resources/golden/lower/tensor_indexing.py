# entry: Net()
# input: x=float32[2,3,4]
# Indexing and slicing (x[:, 0], x[..., :2], x[None], negative indices, steps), torch.cat,
# view(-1), mean(dim=...), unsqueeze/squeeze/permute/transpose.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        first = x[:, 0]
        head = x[..., :2]
        batch = x[None]
        last = x[-1, :, ::2]
        both = torch.cat([head, x[:, :, 2:]], dim=2)
        flat = both.view(-1)
        avg = x.mean(dim=1)
        t = x.permute(2, 0, 1).transpose(0, 1).unsqueeze(0).squeeze(0)
        return first, batch.size(), last, flat, avg, avg.mean(dim=(0, 1), keepdim=True), t
