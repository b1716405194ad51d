# entry: build(num_blocks=2)
# input: x=float32[1,3,8,8]
# nn.Sequential(*layers) from a list built in a loop, nested Sequentials, and an OrderedDict one.
from collections import OrderedDict

import torch.nn as nn


def conv_bn(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class Net(nn.Module):
    def __init__(self, num_blocks, channels=4):
        super().__init__()
        layers = [conv_bn(3, channels)]
        for _ in range(num_blocks - 1):
            layers += [conv_bn(channels, channels)]
        layers.append(nn.MaxPool2d(2))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(OrderedDict([
            ('pool', nn.AdaptiveAvgPool2d((1, 1))),
            ('flat', nn.Flatten()),
            ('fc', nn.Linear(channels, 5)),
        ]))

    def forward(self, x):
        return self.classifier(self.features(x))


def build(**kw):
    return Net(**kw)
# ---- expected ----
# func @forward(%0 "x": f32[1,3,8,8]) {
# ^bb0:
#   %1 = weight() {name = "features.0.0.weight"} : f32[4,3,3,3] loc("sequential_star.py":10:29)
#   %2 = conv2d(%0, %1) {dilation = [1, 1], groups = 1, padding = [1, 1, 1, 1], strides = [1, 1]} : f32[1,4,8,8] loc("sequential_star.py":28:37)
#   %3 = weight() {name = "features.0.1.weight"} : f32[4] loc("sequential_star.py":10:77)
#   %4 = weight() {name = "features.0.1.bias"} : f32[4] loc("sequential_star.py":10:77)
#   %5 = weight() {name = "features.0.1.running_mean"} : f32[4] loc("sequential_star.py":10:77)
#   %6 = weight() {name = "features.0.1.running_var"} : f32[4] loc("sequential_star.py":10:77)
#   %7 = batch_norm(%2, %3, %4, %5, %6) {eps = 1.0E-5} : f32[1,4,8,8] loc("sequential_star.py":28:37)
#   %8 = relu(%7) : f32[1,4,8,8] loc("sequential_star.py":28:37)
#   %9 = weight() {name = "features.1.0.weight"} : f32[4,4,3,3] loc("sequential_star.py":10:29)
#   %10 = conv2d(%8, %9) {dilation = [1, 1], groups = 1, padding = [1, 1, 1, 1], strides = [1, 1]} : f32[1,4,8,8] loc("sequential_star.py":28:37)
#   %11 = weight() {name = "features.1.1.weight"} : f32[4] loc("sequential_star.py":10:77)
#   %12 = weight() {name = "features.1.1.bias"} : f32[4] loc("sequential_star.py":10:77)
#   %13 = weight() {name = "features.1.1.running_mean"} : f32[4] loc("sequential_star.py":10:77)
#   %14 = weight() {name = "features.1.1.running_var"} : f32[4] loc("sequential_star.py":10:77)
#   %15 = batch_norm(%10, %11, %12, %13, %14) {eps = 1.0E-5} : f32[1,4,8,8] loc("sequential_star.py":28:37)
#   %16 = relu(%15) : f32[1,4,8,8] loc("sequential_star.py":28:37)
#   %17 = max_pool2d(%16) {ceil_mode = false, kernel = [2, 2], padding = [0, 0, 0, 0], strides = [2, 2]} : f32[1,4,4,4] loc("sequential_star.py":28:37)
#   %18 = adaptive_avg_pool2d(%17) {output_size = [1, 1]} : f32[1,4,1,1] loc("sequential_star.py":28:21)
#   %19 = reshape(%18) {shape = [1, 4]} : f32[1,4] loc("sequential_star.py":28:21)
#   %20 = weight() {name = "classifier.fc.weight"} : f32[5,4] loc("sequential_star.py":24:23)
#   %21 = weight() {name = "classifier.fc.bias"} : f32[5] loc("sequential_star.py":24:23)
#   %22 = linear(%19, %20, %21) : f32[1,5] loc("sequential_star.py":28:21)
#   ret %22 loc("sequential_star.py":28:9)
# }
