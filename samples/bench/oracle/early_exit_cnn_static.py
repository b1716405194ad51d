"""The oracle for early_exit_cnn: the same network and weights, taking one exit unconditionally.

`build_static(path=k)` returns a model whose forward runs blocks 0..k and returns exit k's logits
and k, with no confidence test, so dynnc compiles it as one static graph. The suite times it on
the inputs that take exit k in the dynamic model; dynnc's latency on them divided by this one's
is the oracle ratio (the cost of being dynamic: subgraph boundaries, predicate readback and the
confidence computation itself).
"""
from models.sdn import EarlyExitCNN


class StaticPath(EarlyExitCNN):
    def __init__(self, path, num_classes=10):
        super().__init__(num_classes=num_classes)
        self.path = path

    def forward(self, x):
        for i, block in enumerate(self.blocks):
            x = block(x)
            if i == self.path and i < len(self.exits):
                return self.exits[i](x), i
        return self.final(x), len(self.exits)


def build_static(path, num_classes=10):
    return StaticPath(path, num_classes=num_classes)
