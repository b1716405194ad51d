# entry: Net()
# input: x=float32[1,4]
# A model's own exception class at construction: raised in a helper and taken by a handler for
# it, whose name is bound to the exception object (its attributes and args); a handler for a
# built-in base class takes it too.
import torch
import torch.nn as nn


class ConfigError(ValueError):
    def __init__(self, key):
        super().__init__("missing " + key)
        self.key = key


class Net(nn.Module):
    def __init__(self, cfg=None):
        super().__init__()
        try:
            width = self.lookup(cfg or {}, 'width')
        except ConfigError as e:
            width = 6 if e.key == 'width' and e.args[0] == 'missing width' else 2
        try:
            depth = self.lookup({}, 'depth')
        except ValueError:
            depth = 3
        self.fc = nn.Linear(4, width * depth)

    def lookup(self, cfg, key):
        if key not in cfg:
            raise ConfigError(key)
        return cfg[key]

    def forward(self, x):
        return self.fc(x)
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = weight() {name = "fc.weight"} : f32[18,4] loc("construction_exception_class.py":27:22)
#   %2 = weight() {name = "fc.bias"} : f32[18] loc("construction_exception_class.py":27:22)
#   %3 = linear(%0, %1, %2) : f32[1,18] loc("construction_exception_class.py":35:21)
#   ret %3 loc("construction_exception_class.py":35:9)
# }
