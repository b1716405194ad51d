# entry: Net()
# input: x=float32[2,8]
# inputs: 1.0, 0.05, -1.0, 30.0
# special: x[0,0]=40
# special: x[0,1]=40
# special: x[0,2]=40
# special: x[0,5]=40
# Lists and tuples indexed by a run-time int, as early-exit and multi-scale code picks a threshold
# or a feature map by the exit it reached: a list of tensors, a list of floats kept on the module,
# a tuple of ints indexed from the end, then a module list with the same index; the progress
# printed with an f-string of run-time values, which the compiled model ignores; and writes at the
# run-time index (a slot of a list of tensors, a counter incremented, an item from the end).
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.heads = nn.ModuleList([nn.Linear(8, 3) for _ in range(3)])
        self.thresholds = [0.3, 0.5, 0.8]

    def forward(self, x):
        k = int(x[0].argmax().item()) % 3
        feats = [x * 2, x - 1, torch.tanh(x)]
        f = feats[k]
        th = self.thresholds[k]
        scale = (1, 2, 4)[k - 3]
        y = self.heads[k](f) * scale
        conf = F.softmax(y, dim=1).max()
        print(f"exit {k}: conf {conf.item():.3f} >= {th}?", "head " + str(k))
        done = conf > th
        slots = [torch.zeros(2, 3) for _ in range(3)]
        slots[k] = y
        counts = [0, 0, 0]
        counts[k] += 1
        counts[k - 1] = counts[k - 1] + 5
        return y, done, th, scale, torch.stack(slots), counts
