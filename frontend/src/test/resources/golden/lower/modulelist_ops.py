# entry: Net()
# input: x=float32[1,4]
# ModuleList: append, extend, indexing (also negative), slicing, len, iteration, enumerate and zip.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList()
        self.blocks.append(nn.Linear(4, 4))
        self.blocks.extend([nn.Linear(4, 4), nn.Linear(4, 4)])
        self.gates = nn.ModuleList([nn.Sigmoid() for _ in range(len(self.blocks))])
        self.out = nn.ModuleList([nn.Identity(), nn.Linear(4, 2)])

    def forward(self, x):
        x = self.blocks[0](x)
        for i, block in enumerate(self.blocks[1:]):
            x = block(x) + i
        for block, gate in zip(self.blocks, self.gates):
            x = gate(block(x))
        for m in self.out:
            x = m(x)
        return self.out[-1].out_features, x
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = weight() {name = "blocks.0.weight"} : f32[4,4] loc("modulelist_ops.py":12:31)
#   %2 = weight() {name = "blocks.0.bias"} : f32[4] loc("modulelist_ops.py":12:31)
#   %3 = linear(%0, %1, %2) : f32[1,4] loc("modulelist_ops.py":18:24)
#   %4 = weight() {name = "blocks.1.weight"} : f32[4,4] loc("modulelist_ops.py":13:32)
#   %5 = weight() {name = "blocks.1.bias"} : f32[4] loc("modulelist_ops.py":13:32)
#   %6 = linear(%3, %4, %5) : f32[1,4] loc("modulelist_ops.py":20:17)
#   %7 = full() {value = 0.0} : f32[] loc("modulelist_ops.py":20:26)
#   %8 = add(%6, %7) : f32[1,4] loc("modulelist_ops.py":20:26)
#   %9 = weight() {name = "blocks.2.weight"} : f32[4,4] loc("modulelist_ops.py":13:49)
#   %10 = weight() {name = "blocks.2.bias"} : f32[4] loc("modulelist_ops.py":13:49)
#   %11 = linear(%8, %9, %10) : f32[1,4] loc("modulelist_ops.py":20:17)
#   %12 = full() {value = 1.0} : f32[] loc("modulelist_ops.py":20:26)
#   %13 = add(%11, %12) : f32[1,4] loc("modulelist_ops.py":20:26)
#   %14 = linear(%13, %1, %2) : f32[1,4] loc("modulelist_ops.py":22:22)
#   %15 = sigmoid(%14) : f32[1,4] loc("modulelist_ops.py":22:17)
#   %16 = linear(%15, %4, %5) : f32[1,4] loc("modulelist_ops.py":22:22)
#   %17 = sigmoid(%16) : f32[1,4] loc("modulelist_ops.py":22:17)
#   %18 = linear(%17, %9, %10) : f32[1,4] loc("modulelist_ops.py":22:22)
#   %19 = sigmoid(%18) : f32[1,4] loc("modulelist_ops.py":22:17)
#   %20 = weight() {name = "out.1.weight"} : f32[2,4] loc("modulelist_ops.py":15:53)
#   %21 = weight() {name = "out.1.bias"} : f32[2] loc("modulelist_ops.py":15:53)
#   %22 = linear(%19, %20, %21) : f32[1,2] loc("modulelist_ops.py":24:17)
#   %23 = const() {value = 2} : i64 loc("modulelist_ops.py":25:9)
#   ret (%23, %22) loc("modulelist_ops.py":25:9)
# }
