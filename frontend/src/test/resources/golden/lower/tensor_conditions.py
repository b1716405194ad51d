# entry: Net(threshold=0.7)
# input: x=float32[1,4]
# Comparisons producing booleans used in `if`: (probs[:, 0] > 0.5).item(), a 1-element tensor
# against a threshold, max(dim=1) unpacked into values and indices, and `and`/`not`.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self, threshold):
        super().__init__()
        self.threshold = threshold
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        probs = F.softmax(self.fc(x), dim=1)
        if (probs[:, 0] > 0.5).item():
            return probs, 0
        conf, pred = probs.max(dim=1)
        if conf >= self.threshold:
            return probs, 1
        if not (pred == 2).item() and conf.item() > 0.4:
            return probs * 2, 2
        return probs, 3
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = weight() {name = "fc.weight"} : f32[3,4] loc("tensor_conditions.py":14:22)
#   %2 = weight() {name = "fc.bias"} : f32[3] loc("tensor_conditions.py":14:22)
#   %3 = linear(%0, %1, %2) : f32[1,3] loc("tensor_conditions.py":17:32)
#   %4 = softmax(%3) {axis = 1} : f32[1,3] loc("tensor_conditions.py":17:19)
#   %5 = strided_slice(%4) {begin = [0, 0], end = [1, 1], strides = [1, 1]} : f32[1,1] loc("tensor_conditions.py":18:18)
#   %6 = reshape(%5) {shape = [1]} : f32[1] loc("tensor_conditions.py":18:18)
#   %7 = full() {value = 0.5} : f32[] loc("tensor_conditions.py":18:13)
#   %8 = gt(%6, %7) : bool[1] loc("tensor_conditions.py":18:13)
#   %9 = item(%8) : bool loc("tensor_conditions.py":18:32)
#   br %9, ^bb1(), ^bb2() loc("tensor_conditions.py":18:9)
# ^bb1:
#   %25 = const() {value = 0} : i64 loc("tensor_conditions.py":19:13)
#   ret (%4, %25) loc("tensor_conditions.py":19:13)
# ^bb2:
#   %10 = reduce_max(%4) {axes = [1], keepdims = false} : f32[1] loc("tensor_conditions.py":20:28)
#   %11 = argmax(%4) {axis = 1, keepdims = false} : i64[1] loc("tensor_conditions.py":20:28)
#   %12 = full() {value = 0.7} : f32[] loc("tensor_conditions.py":21:12)
#   %13 = ge(%10, %12) : bool[1] loc("tensor_conditions.py":21:12)
#   %14 = item(%13) : bool loc("tensor_conditions.py":21:9)
#   br %14, ^bb3(), ^bb4() loc("tensor_conditions.py":21:9)
# ^bb3:
#   %26 = const() {value = 1} : i64 loc("tensor_conditions.py":22:13)
#   ret (%4, %26) loc("tensor_conditions.py":22:13)
# ^bb4:
#   %15 = full() {value = 2} : i64[] loc("tensor_conditions.py":23:17)
#   %16 = eq(%11, %15) : bool[1] loc("tensor_conditions.py":23:17)
#   %17 = item(%16) : bool loc("tensor_conditions.py":23:28)
#   %18 = logical_not(%17) : bool loc("tensor_conditions.py":23:12)
#   %19 = item(%10) : f32 loc("tensor_conditions.py":23:44)
#   %20 = const() {value = 0.4} : f64 loc("tensor_conditions.py":23:39)
#   %21 = gt(%19, %20) : bool loc("tensor_conditions.py":23:39)
#   %22 = logical_and(%18, %21) : bool loc("tensor_conditions.py":23:12)
#   br %22, ^bb5(), ^bb6() loc("tensor_conditions.py":23:9)
# ^bb5:
#   %23 = full() {value = 2.0} : f32[] loc("tensor_conditions.py":24:26)
#   %24 = mul(%4, %23) : f32[1,3] loc("tensor_conditions.py":24:26)
#   %27 = const() {value = 2} : i64 loc("tensor_conditions.py":24:13)
#   ret (%24, %27) loc("tensor_conditions.py":24:13)
# ^bb6:
#   %28 = const() {value = 3} : i64 loc("tensor_conditions.py":25:9)
#   ret (%4, %28) loc("tensor_conditions.py":25:9)
# }
