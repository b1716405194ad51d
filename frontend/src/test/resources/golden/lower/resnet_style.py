# entry: resnet_tiny(num_classes=5)
# input: x=float32[2,3,8,8]
# torchvision-style construction: a _make_layer factory with a class-level `expansion`, optional
# downsample branches (static `is not None` tests), and weight-init loops over self.modules() that
# dynnc accepts and the checkpoint overrides.
import math

import torch.nn as nn
import torch.nn.functional as F


def conv3x3(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, kernel_size=3, stride=stride, padding=1, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super(BasicBlock, self).__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class ResNet(nn.Module):
    def __init__(self, block, layers, num_classes=10):
        super().__init__()
        self.inplanes = 4
        self.conv1 = nn.Conv2d(3, 4, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(4)
        self.layer1 = self._make_layer(block, 4, layers[0])
        self.layer2 = self._make_layer(block, 8, layers[1], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(8 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                n = m.kernel_size[0] * m.kernel_size[1] * m.out_channels
                m.weight.data.normal_(0, math.sqrt(2. / n))
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
            elif isinstance(m, (nn.BatchNorm2d, nn.Linear)):
                nn.init.constant_(m.weight, 1)
                m.bias.data.zero_()

    def _make_layer(self, block, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * block.expansion, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(planes * block.expansion),
            )
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes))
        return nn.Sequential(*layers)

    def forward(self, x):
        assert x.dim() == 4, 'expects NCHW'
        x = F.relu(self.bn1(self.conv1(x)), inplace=True)
        x = self.layer2(self.layer1(x))
        x = self.avgpool(x)
        x = x.view(x.size(0), -1)
        return self.fc(x)


def resnet_tiny(**kwargs):
    return ResNet(BasicBlock, [1, 1], **kwargs)
# ---- expected ----
# func @forward(%0 "x": f32[2,3,8,8]) {
# ^bb0:
#   %1 = weight() {name = "conv1.weight"} : f32[4,3,3,3] loc("resnet_style.py":42:25)
#   %2 = conv2d(%0, %1) {dilation = [1, 1], groups = 1, padding = [1, 1, 1, 1], strides = [1, 1]} : f32[2,4,8,8] loc("resnet_style.py":72:34)
#   %3 = weight() {name = "bn1.weight"} : f32[4] loc("resnet_style.py":43:23)
#   %4 = weight() {name = "bn1.bias"} : f32[4] loc("resnet_style.py":43:23)
#   %5 = weight() {name = "bn1.running_mean"} : f32[4] loc("resnet_style.py":43:23)
#   %6 = weight() {name = "bn1.running_var"} : f32[4] loc("resnet_style.py":43:23)
#   %7 = batch_norm(%2, %3, %4, %5, %6) {eps = 1.0E-5} : f32[2,4,8,8] loc("resnet_style.py":72:25)
#   %8 = relu(%7) : f32[2,4,8,8] loc("resnet_style.py":72:15)
#   %9 = weight() {name = "layer1.0.conv1.weight"} : f32[4,4,3,3] loc("resnet_style.py":13:15)
#   %10 = conv2d(%8, %9) {dilation = [1, 1], groups = 1, padding = [1, 1, 1, 1], strides = [1, 1]} : f32[2,4,8,8] loc("resnet_style.py":30:39)
#   %11 = weight() {name = "layer1.0.bn1.weight"} : f32[4] loc("resnet_style.py":22:23)
#   %12 = weight() {name = "layer1.0.bn1.bias"} : f32[4] loc("resnet_style.py":22:23)
#   %13 = weight() {name = "layer1.0.bn1.running_mean"} : f32[4] loc("resnet_style.py":22:23)
#   %14 = weight() {name = "layer1.0.bn1.running_var"} : f32[4] loc("resnet_style.py":22:23)
#   %15 = batch_norm(%10, %11, %12, %13, %14) {eps = 1.0E-5} : f32[2,4,8,8] loc("resnet_style.py":30:30)
#   %16 = relu(%15) : f32[2,4,8,8] loc("resnet_style.py":30:20)
#   %17 = weight() {name = "layer1.0.conv2.weight"} : f32[4,4,3,3] loc("resnet_style.py":13:15)
#   %18 = conv2d(%16, %17) {dilation = [1, 1], groups = 1, padding = [1, 1, 1, 1], strides = [1, 1]} : f32[2,4,8,8] loc("resnet_style.py":31:29)
#   %19 = weight() {name = "layer1.0.bn2.weight"} : f32[4] loc("resnet_style.py":25:23)
#   %20 = weight() {name = "layer1.0.bn2.bias"} : f32[4] loc("resnet_style.py":25:23)
#   %21 = weight() {name = "layer1.0.bn2.running_mean"} : f32[4] loc("resnet_style.py":25:23)
#   %22 = weight() {name = "layer1.0.bn2.running_var"} : f32[4] loc("resnet_style.py":25:23)
#   %23 = batch_norm(%18, %19, %20, %21, %22) {eps = 1.0E-5} : f32[2,4,8,8] loc("resnet_style.py":31:20)
#   %24 = add(%23, %8) : f32[2,4,8,8] loc("resnet_style.py":34:9)
#   %25 = relu(%24) : f32[2,4,8,8] loc("resnet_style.py":35:21)
#   %26 = weight() {name = "layer2.0.conv1.weight"} : f32[8,4,3,3] loc("resnet_style.py":13:15)
#   %27 = conv2d(%25, %26) {dilation = [1, 1], groups = 1, padding = [1, 1, 1, 1], strides = [2, 2]} : f32[2,8,4,4] loc("resnet_style.py":30:39)
#   %28 = weight() {name = "layer2.0.bn1.weight"} : f32[8] loc("resnet_style.py":22:23)
#   %29 = weight() {name = "layer2.0.bn1.bias"} : f32[8] loc("resnet_style.py":22:23)
#   %30 = weight() {name = "layer2.0.bn1.running_mean"} : f32[8] loc("resnet_style.py":22:23)
#   %31 = weight() {name = "layer2.0.bn1.running_var"} : f32[8] loc("resnet_style.py":22:23)
#   %32 = batch_norm(%27, %28, %29, %30, %31) {eps = 1.0E-5} : f32[2,8,4,4] loc("resnet_style.py":30:30)
#   %33 = relu(%32) : f32[2,8,4,4] loc("resnet_style.py":30:20)
#   %34 = weight() {name = "layer2.0.conv2.weight"} : f32[8,8,3,3] loc("resnet_style.py":13:15)
#   %35 = conv2d(%33, %34) {dilation = [1, 1], groups = 1, padding = [1, 1, 1, 1], strides = [1, 1]} : f32[2,8,4,4] loc("resnet_style.py":31:29)
#   %36 = weight() {name = "layer2.0.bn2.weight"} : f32[8] loc("resnet_style.py":25:23)
#   %37 = weight() {name = "layer2.0.bn2.bias"} : f32[8] loc("resnet_style.py":25:23)
#   %38 = weight() {name = "layer2.0.bn2.running_mean"} : f32[8] loc("resnet_style.py":25:23)
#   %39 = weight() {name = "layer2.0.bn2.running_var"} : f32[8] loc("resnet_style.py":25:23)
#   %40 = batch_norm(%35, %36, %37, %38, %39) {eps = 1.0E-5} : f32[2,8,4,4] loc("resnet_style.py":31:20)
#   %41 = weight() {name = "layer2.0.downsample.0.weight"} : f32[8,4,1,1] loc("resnet_style.py":61:20)
#   %42 = conv2d(%25, %41) {dilation = [1, 1], groups = 1, padding = [0, 0, 0, 0], strides = [2, 2]} : f32[2,8,4,4] loc("resnet_style.py":33:29)
#   %43 = weight() {name = "layer2.0.downsample.1.weight"} : f32[8] loc("resnet_style.py":62:20)
#   %44 = weight() {name = "layer2.0.downsample.1.bias"} : f32[8] loc("resnet_style.py":62:20)
#   %45 = weight() {name = "layer2.0.downsample.1.running_mean"} : f32[8] loc("resnet_style.py":62:20)
#   %46 = weight() {name = "layer2.0.downsample.1.running_var"} : f32[8] loc("resnet_style.py":62:20)
#   %47 = batch_norm(%42, %43, %44, %45, %46) {eps = 1.0E-5} : f32[2,8,4,4] loc("resnet_style.py":33:29)
#   %48 = add(%40, %47) : f32[2,8,4,4] loc("resnet_style.py":34:9)
#   %49 = relu(%48) : f32[2,8,4,4] loc("resnet_style.py":35:21)
#   %50 = adaptive_avg_pool2d(%49) {output_size = [1, 1]} : f32[2,8,1,1] loc("resnet_style.py":74:18)
#   %51 = reshape(%50) {shape = [2, 8]} : f32[2,8] loc("resnet_style.py":75:15)
#   %52 = weight() {name = "fc.weight"} : f32[5,8] loc("resnet_style.py":47:22)
#   %53 = weight() {name = "fc.bias"} : f32[5] loc("resnet_style.py":47:22)
#   %54 = linear(%51, %52, %53) : f32[2,5] loc("resnet_style.py":76:21)
#   ret %54 loc("resnet_style.py":76:9)
# }
