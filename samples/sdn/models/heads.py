"""Internal classifiers: the exits attached to intermediate blocks."""
import torch
import torch.nn as nn


def feature_reduction(input_size, target=4):
    """Pooling kernel that brings input_size x input_size features down to target x target, or -1."""
    return input_size // target if input_size > target else -1


class InternalClassifier(nn.Module):
    """Mixes max and average pooling with a learned weight, then one linear layer."""

    def __init__(self, input_size, channels, num_classes, alpha=0.5):
        super(InternalClassifier, self).__init__()
        red_kernel = feature_reduction(input_size)
        if red_kernel == -1:
            self.linear = nn.Linear(channels * input_size * input_size, num_classes)
            self.forward = self.forward_no_pool
        else:
            red_size = int(input_size / red_kernel)
            self.max_pool = nn.MaxPool2d(kernel_size=red_kernel)
            self.avg_pool = nn.AvgPool2d(kernel_size=red_kernel)
            self.alpha = nn.Parameter(torch.rand(1))
            self.linear = nn.Linear(channels * red_size * red_size, num_classes)

    def forward(self, x):
        mixed = self.alpha * self.max_pool(x) + (1 - self.alpha) * self.avg_pool(x)
        return self.linear(mixed.view(mixed.size(0), -1))

    def forward_no_pool(self, x):
        return self.linear(x.view(x.size(0), -1))
