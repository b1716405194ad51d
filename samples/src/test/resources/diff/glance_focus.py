# entry: Net()
# input: x=float32[1,3,32,32]
# inputs: 0.1, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0
# Glance and focus (after GFNet, Wang et al. 2020): a glance at a downsampled image exits when
# confident; otherwise the most salient cell of a 4x4 map (argmax read back as a Python int, split
# with // and %) places a fixed-size crop (a slice of static length from a run-time start), which a
# second network classifies.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self, patch=16, n_classes=10, threshold=0.95):
        super().__init__()
        self.glance = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(4))
        self.saliency = nn.Conv2d(8, 1, 1)
        self.head1 = nn.Linear(8 * 16, n_classes)
        self.focus = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1))
        self.head2 = nn.Linear(8, n_classes)
        self.patch = patch
        self.threshold = threshold

    def forward(self, x):
        small = F.interpolate(x, size=(16, 16), mode='bilinear', align_corners=False)
        f = self.glance(small)
        logits = self.head1(f.flatten(1))
        conf = F.softmax(logits, dim=1).max()
        if conf > self.threshold:
            return logits, 0, -1
        s = self.saliency(f).view(-1)
        idx = int(torch.argmax(s))
        r, c = idx // 4, idx % 4
        stride = (x.shape[2] - self.patch) // 3
        top, left = r * stride, c * stride
        crop = x[:, :, top:top + self.patch, left:left + self.patch]
        g = self.focus(crop).flatten(1)
        return (logits + self.head2(g)) / 2, 1, idx
