# entry: Net(np.float32(0.6))
# input: x=float32[1,8]
# inputs: 0.05, 0.2, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0
# numpy on host values as inference code uses it to pick an exit: Tensor.numpy() of run-time
# tensors reduced with numpy (results keep numpy's dtypes: argmax int64, sum of bools int64, max
# and mean of float32 float32), numpy on Python numbers and lists in __init__, np.inf and np.pi.
import numpy as np
import scipy.stats  # unused: only numpy is modelled
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self, threshold):
        super().__init__()
        self.fc = nn.Linear(8, 4)
        self.head = nn.Linear(4, 3)
        self.threshold = threshold
        widths = [3, 7, 5]
        self.widest = int(np.argmax(widths))  # 1
        self.scale = float(np.max(widths)) / np.sum([1, 2, 4]) + np.mean([[1, 2], [3, 4]])
        self.floor = -np.inf
        self.angle = np.pi / np.float64(4) + np.prod((2, 3)) + np.min([2.5, np.int64(1)])

    def train_epoch(self, loader):
        # Training only: never evaluated.
        np.random.seed(0)
        return np.zeros(3)

    def forward(self, x):
        h = torch.tanh(self.fc(x)) * self.scale
        prob = F.softmax(h, dim=1).data.cpu().numpy()
        conf = np.max(prob, axis=1)[0]
        pick = np.argmax(prob)
        positive = np.sum(h.detach().cpu().numpy() > 0)
        mean = np.mean(np.asarray(h.numpy()))
        if conf >= self.threshold:
            return h * self.angle, pick, positive, mean, conf
        peak = int(np.argmax(prob, axis=1)[0])
        out = self.head(h)
        if np.amin(out.numpy()) > self.floor and peak <= self.widest:
            return out[:, :1] + 1, pick, positive, mean, float(np.float32(peak) / 3)
        return out[:, :1], pick, positive, mean, np.cumsum(prob)[2]
