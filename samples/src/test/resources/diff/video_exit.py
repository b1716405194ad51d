# entry: ClipNet()
# input: x=float32[1,3,4,12,12]
# inputs: 0.5, 1.0, 2.0, 4.0
# special: x[0,0,1,2,3]=nan
# A video classifier with an early exit (in the spirit of frame-skipping networks such as AdaFrame,
# Wu et al. 2019): a cheap glance at the middle frame with 2-d layers exits when confident, else 3-d
# convolutions run over the clip: Conv3d with padding 'same', groups, dilation, stride and no bias;
# BatchNorm3d; MaxPool3d with padding and ceil_mode (a NaN in its window gives NaN); AvgPool3d
# without the padding counted; AdaptiveAvgPool3d; F.conv3d, F.max_pool3d, F.avg_pool3d and
# F.adaptive_avg_pool3d.
import torch
import torch.nn as nn
import torch.nn.functional as F


class ClipNet(nn.Module):
    def __init__(self, n_classes=5, threshold=0.55):
        super().__init__()
        self.glance = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                    nn.Linear(4, n_classes))
        self.c1 = nn.Conv3d(3, 8, 3, padding='same')
        self.bn1 = nn.BatchNorm3d(8)
        self.pool1 = nn.MaxPool3d((1, 3, 3), stride=(1, 2, 2), padding=(0, 1, 1), ceil_mode=True)
        self.c2 = nn.Conv3d(8, 8, (3, 3, 3), padding=(2, 2, 2), dilation=2, groups=4, bias=False)
        self.c3 = nn.Conv3d(8, 6, 3, stride=(1, 2, 2), padding=1)
        self.pool2 = nn.AvgPool3d(2, stride=1, padding=1, count_include_pad=False)
        self.head = nn.AdaptiveAvgPool3d((1, 2, 2))
        self.fc = nn.Linear(24, n_classes)
        self.w = nn.Parameter(torch.randn(4, 6, 1, 2, 2))
        self.threshold = threshold

    def forward(self, x):
        glance = self.glance(x[:, :, 2])
        if F.softmax(glance, dim=1).max() > self.threshold:
            return glance, 0
        h = self.pool1(F.relu(self.bn1(self.c1(x))))
        h = F.relu(self.c2(h)) + h
        h = self.pool2(self.c3(h))
        logits = self.fc(self.head(h).flatten(1))
        extra = F.conv3d(h, self.w, stride=1, padding=(0, 1, 0))
        pooled = (F.max_pool3d(extra, 2, ceil_mode=True), F.avg_pool3d(extra, (1, 2, 2)), F.adaptive_avg_pool3d(h, 1))
        return logits, 1, pooled, self.pool1(x)
