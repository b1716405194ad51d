# entry: build(threshold=0.8)
# input: x=float32[1,8]
# The SDN pattern: a data-dependent `if` with an early return inside a static loop over a
# ModuleList; the fall-through path returns after the loop. Returns (tensor, int) tuples.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Exit(nn.Module):
    def __init__(self, width, classes):
        super().__init__()
        self.fc = nn.Linear(width, classes)

    def forward(self, x):
        return self.fc(x)


class EarlyExit(nn.Module):
    def __init__(self, width=8, classes=3, depth=3, threshold=0.9):
        super().__init__()
        self.threshold = threshold
        self.blocks = nn.ModuleList([nn.Linear(width, width) for _ in range(depth)])
        self.exits = nn.ModuleList([Exit(width, classes) for _ in range(depth - 1)])
        self.final = nn.Linear(width, classes)

    def forward(self, x):
        for i, block in enumerate(self.blocks):
            x = F.relu(block(x))
            if i < len(self.exits):
                logits = self.exits[i](x)
                confidence, _ = torch.max(F.softmax(logits, dim=1), dim=1)
                if confidence.item() >= self.threshold:
                    return logits, i
        return self.final(x), len(self.exits)


def build(**kw):
    return EarlyExit(**kw)
# ---- expected ----
# func @forward(%0 "x": f32[1,8]) {
# ^bb0:
#   %1 = weight() {name = "blocks.0.weight"} : f32[8,8] loc("early_exit.py":23:41)
#   %2 = weight() {name = "blocks.0.bias"} : f32[8] loc("early_exit.py":23:41)
#   %3 = linear(%0, %1, %2) : f32[1,8] loc("early_exit.py":29:24)
#   %4 = relu(%3) : f32[1,8] loc("early_exit.py":29:19)
#   %5 = weight() {name = "exits.0.fc.weight"} : f32[3,8] loc("early_exit.py":13:22)
#   %6 = weight() {name = "exits.0.fc.bias"} : f32[3] loc("early_exit.py":13:22)
#   %7 = linear(%4, %5, %6) : f32[1,3] loc("early_exit.py":16:21)
#   %8 = softmax(%7) {axis = 1} : f32[1,3] loc("early_exit.py":32:45)
#   %9 = reduce_max(%8) {axes = [1], keepdims = false} : f32[1] loc("early_exit.py":32:39)
#   %10 = argmax(%8) {axis = 1, keepdims = false} : i64[1] loc("early_exit.py":32:39)
#   %11 = item(%9) : f32 loc("early_exit.py":33:31)
#   %12 = const() {value = 0.8} : f64 loc("early_exit.py":33:20)
#   %13 = ge(%11, %12) : bool loc("early_exit.py":33:20)
#   br %13, ^bb1(), ^bb2() loc("early_exit.py":33:17)
# ^bb1:
#   %34 = const() {value = 0} : i64 loc("early_exit.py":34:21)
#   ret (%7, %34) loc("early_exit.py":34:21)
# ^bb2:
#   %14 = weight() {name = "blocks.1.weight"} : f32[8,8] loc("early_exit.py":23:41)
#   %15 = weight() {name = "blocks.1.bias"} : f32[8] loc("early_exit.py":23:41)
#   %16 = linear(%4, %14, %15) : f32[1,8] loc("early_exit.py":29:24)
#   %17 = relu(%16) : f32[1,8] loc("early_exit.py":29:19)
#   %18 = weight() {name = "exits.1.fc.weight"} : f32[3,8] loc("early_exit.py":13:22)
#   %19 = weight() {name = "exits.1.fc.bias"} : f32[3] loc("early_exit.py":13:22)
#   %20 = linear(%17, %18, %19) : f32[1,3] loc("early_exit.py":16:21)
#   %21 = softmax(%20) {axis = 1} : f32[1,3] loc("early_exit.py":32:45)
#   %22 = reduce_max(%21) {axes = [1], keepdims = false} : f32[1] loc("early_exit.py":32:39)
#   %23 = argmax(%21) {axis = 1, keepdims = false} : i64[1] loc("early_exit.py":32:39)
#   %24 = item(%22) : f32 loc("early_exit.py":33:31)
#   %25 = const() {value = 0.8} : f64 loc("early_exit.py":33:20)
#   %26 = ge(%24, %25) : bool loc("early_exit.py":33:20)
#   br %26, ^bb3(), ^bb4() loc("early_exit.py":33:17)
# ^bb3:
#   %35 = const() {value = 1} : i64 loc("early_exit.py":34:21)
#   ret (%20, %35) loc("early_exit.py":34:21)
# ^bb4:
#   %27 = weight() {name = "blocks.2.weight"} : f32[8,8] loc("early_exit.py":23:41)
#   %28 = weight() {name = "blocks.2.bias"} : f32[8] loc("early_exit.py":23:41)
#   %29 = linear(%17, %27, %28) : f32[1,8] loc("early_exit.py":29:24)
#   %30 = relu(%29) : f32[1,8] loc("early_exit.py":29:19)
#   %31 = weight() {name = "final.weight"} : f32[3,8] loc("early_exit.py":25:25)
#   %32 = weight() {name = "final.bias"} : f32[3] loc("early_exit.py":25:25)
#   %33 = linear(%30, %31, %32) : f32[1,3] loc("early_exit.py":35:21)
#   %36 = const() {value = 2} : i64 loc("early_exit.py":35:9)
#   ret (%33, %36) loc("early_exit.py":35:9)
# }
