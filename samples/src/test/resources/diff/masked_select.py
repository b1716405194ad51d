# entry: BatchExits()
# input: x=float32[4,8]
# inputs: 0.05, 1.0, 3.0, 40.0
# special: x[1,2]=nan
# Batch-wise early exits as research code evaluates them: each sample of the batch leaves at the
# first head confident enough, written with selections by run-time bool masks, whose shapes depend
# on the data: out[m] = logits[m] (also scaled, and +=), statistics of the selections (sum, mean
# of an empty selection is NaN, len, numel, any, all), and a break once no sample remains.
import torch
import torch.nn as nn


class BatchExits(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([nn.Linear(8, 8) for _ in range(3)])
        self.heads = nn.ModuleList([nn.Linear(8, 4) for _ in range(3)])

    def forward(self, x):
        out = torch.zeros(x.size(0), 4)
        exited_at = torch.full((x.size(0),), -1, dtype=torch.long)
        remaining = torch.ones(x.size(0), dtype=torch.bool)
        stats = []
        for i, (blk, head) in enumerate(zip(self.blocks, self.heads)):
            x = torch.relu(blk(x))
            logits = head(x)
            conf = logits.softmax(1).max(1)[0]
            exit_now = remaining & (conf > 0.6)
            out[exit_now] = logits[exit_now]
            exited_at[exit_now] = i
            stats.append((conf[exit_now].sum(), conf[remaining].mean(), len(conf[exit_now]),
                          logits[exit_now].numel(), (logits[remaining] > 0).any(),
                          (logits[exit_now] > -5).all(), (-conf[exit_now]).double().sum()))
            remaining = remaining & ~exit_now
            if not remaining.any():
                break
        out[remaining] = logits[remaining] * 0.5 + 1
        acc = torch.zeros(x.size(0), 4)
        acc[remaining] += logits[remaining].abs()
        done = ~remaining
        acc[done] = 2 * logits[done] - out[done]
        ids = exited_at.clone()
        ids[done] += 10
        return out, exited_at, acc, ids, stats
