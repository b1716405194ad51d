# entry: Net()
# input: x=float32[2,8]
# inputs: 1.0, 0.05, -1.0, 30.0
# Writes at slices of a static length from a run-time start, as decoders and glimpse models write
# their steps: overlapping windows of a canvas written in a data-dependent loop (later steps
# overwrite earlier ones), two rows of a buffer at the loop counter with a broadcast value, a
# patch at two run-time slices with a number, an augmented += at a window and a window of length 1
# given a 0-d tensor.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(8, 8)

    def forward(self, x):
        h = torch.tanh(self.lin(x))
        canvas = torch.zeros(2, 12)
        buf = torch.zeros(10, 2, 3)
        t = 0
        while h.abs().sum() < 10.0 and t < 4:
            canvas[:, 2 * t:2 * t + 4] = h[:, :4] * (t + 1)
            buf[t:t + 2] = h[:, 2:5] + t
            h = h * 1.4
            t += 1
        k = int(x[0].argmax().item())
        img = torch.zeros(1, 1, 10, 10)
        img[..., k:k + 3, k % 2:k % 2 + 2] = 1.0
        acc = torch.ones(2, 9)
        acc[:, k:k + 2] += x[:, :2]
        one = torch.zeros(8)
        one[k:k + 1] = x[1, 0]
        return canvas, buf, t, img, acc, one
