# entry: Net()
# input: x=float32[1,4]
# Greedy decoding: a token is appended each step and a data-dependent break ends the loop, so the
# exits leave lists of different lengths; each group of exits runs the rest of forward on its own
# path (rule TAIL), ending in its own return, with the stacked tokens shaped by the path.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.step = nn.Linear(4, 4)

    def forward(self, x):
        tokens = []
        for t in range(3):
            x = torch.tanh(self.step(x))
            tok = x.argmax(-1)
            tokens.append(tok)
            if tok.item() == 0:
                break
        return torch.stack(tokens, 1), len(tokens)
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = weight() {name = "step.weight"} : f32[4,4] loc("for_append_break.py":13:24)
#   %2 = weight() {name = "step.bias"} : f32[4] loc("for_append_break.py":13:24)
#   %3 = linear(%0, %1, %2) : f32[1,4] loc("for_append_break.py":18:33)
#   %4 = tanh(%3) : f32[1,4] loc("for_append_break.py":18:23)
#   %5 = argmax(%4) {axis = 1, keepdims = false} : i64[1] loc("for_append_break.py":19:21)
#   %6 = item(%5) : i64 loc("for_append_break.py":21:20)
#   %7 = const() {value = 0} : i64 loc("for_append_break.py":21:16)
#   %8 = eq(%6, %7) : bool loc("for_append_break.py":21:16)
#   br %8, ^bb1(), ^bb2() loc("for_append_break.py":21:13)
# ^bb1:
#   %32 = reshape(%5) {shape = [1, 1]} : i64[1,1] loc("for_append_break.py":23:22)
#   %33 = concat(%32) {axis = 1} : i64[1,1] loc("for_append_break.py":23:22)
#   %36 = const() {value = 1} : i64 loc("for_append_break.py":23:9)
#   ret (%33, %36) loc("for_append_break.py":23:9)
# ^bb2:
#   %9 = weight() {name = "step.weight"} : f32[4,4] loc("for_append_break.py":13:24)
#   %10 = weight() {name = "step.bias"} : f32[4] loc("for_append_break.py":13:24)
#   %11 = linear(%4, %9, %10) : f32[1,4] loc("for_append_break.py":18:33)
#   %12 = tanh(%11) : f32[1,4] loc("for_append_break.py":18:23)
#   %13 = argmax(%12) {axis = 1, keepdims = false} : i64[1] loc("for_append_break.py":19:21)
#   %14 = item(%13) : i64 loc("for_append_break.py":21:20)
#   %15 = const() {value = 0} : i64 loc("for_append_break.py":21:16)
#   %16 = eq(%14, %15) : bool loc("for_append_break.py":21:16)
#   br %16, ^bb3(), ^bb4() loc("for_append_break.py":21:13)
# ^bb3:
#   %29 = reshape(%5) {shape = [1, 1]} : i64[1,1] loc("for_append_break.py":23:22)
#   %30 = reshape(%13) {shape = [1, 1]} : i64[1,1] loc("for_append_break.py":23:22)
#   %31 = concat(%29, %30) {axis = 1} : i64[1,2] loc("for_append_break.py":23:22)
#   %35 = const() {value = 2} : i64 loc("for_append_break.py":23:9)
#   ret (%31, %35) loc("for_append_break.py":23:9)
# ^bb4:
#   %17 = weight() {name = "step.weight"} : f32[4,4] loc("for_append_break.py":13:24)
#   %18 = weight() {name = "step.bias"} : f32[4] loc("for_append_break.py":13:24)
#   %19 = linear(%12, %17, %18) : f32[1,4] loc("for_append_break.py":18:33)
#   %20 = tanh(%19) : f32[1,4] loc("for_append_break.py":18:23)
#   %21 = argmax(%20) {axis = 1, keepdims = false} : i64[1] loc("for_append_break.py":19:21)
#   %22 = item(%21) : i64 loc("for_append_break.py":21:20)
#   %23 = const() {value = 0} : i64 loc("for_append_break.py":21:16)
#   %24 = eq(%22, %23) : bool loc("for_append_break.py":21:16)
#   br %24, ^bb5(), ^bb6() loc("for_append_break.py":21:13)
# ^bb5:
#   jump ^bb7() loc("for_append_break.py":17:9)
# ^bb6:
#   jump ^bb7() loc("for_append_break.py":17:9)
# ^bb7:
#   %25 = reshape(%5) {shape = [1, 1]} : i64[1,1] loc("for_append_break.py":23:22)
#   %26 = reshape(%13) {shape = [1, 1]} : i64[1,1] loc("for_append_break.py":23:22)
#   %27 = reshape(%21) {shape = [1, 1]} : i64[1,1] loc("for_append_break.py":23:22)
#   %28 = concat(%25, %26, %27) {axis = 1} : i64[1,3] loc("for_append_break.py":23:22)
#   %34 = const() {value = 3} : i64 loc("for_append_break.py":23:9)
#   ret (%28, %34) loc("for_append_break.py":23:9)
# }
