# entry: BlockDrop(num_blocks=4)
# input: x=float32[1,3,8,8]
# inputs: 0.3, 1.0, 3.0, 0.1, 6.0, 2.0
# BlockDrop-style policy: a policy network looks at the input once, then each residual block runs
# only if its policy probability says so (indexing the policy with the static loop counter).
import torch
import torch.nn as nn
import torch.nn.functional as F


class Policy(nn.Module):
    def __init__(self, num_blocks):
        super(Policy, self).__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 4, 3, stride=2, padding=1), nn.ReLU())
        self.fc = nn.Linear(4 * 4 * 4, num_blocks)

    def forward(self, x):
        return torch.sigmoid(self.fc(self.features(x).view(1, -1)))


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, planes):
        super(BasicBlock, self).__init__()
        self.conv1 = nn.Conv2d(planes, planes * self.expansion, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)

    def forward(self, x):
        return F.relu(self.bn1(self.conv1(x)))


class BlockDrop(nn.Module):
    def __init__(self, num_blocks=4, planes=6):
        super(BlockDrop, self).__init__()
        self.policy = Policy(num_blocks)
        self.stem = nn.Conv2d(3, planes, 3, padding=1)
        self.layers = nn.ModuleList()
        for _ in range(num_blocks):
            self.layers.append(BasicBlock(planes))
        self.classifier = nn.Linear(planes, 10)

    def forward(self, x):
        probs = self.policy(x)
        policy = (probs > 0.5).float()
        x = F.relu(self.stem(x))
        for t in range(len(self.layers)):
            action = policy[:, t]
            if action.item() == 1:
                x = x + self.layers[t](x)
        x = F.avg_pool2d(x, x.size(2))
        return self.classifier(x.view(x.size(0), -1)), policy
