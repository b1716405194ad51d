# entry: Net()
# input: x=float32[1,4]
# An assert on tensor data is checked at run time by a host op that raises a located error; an
# assert on a static value is decided while compiling.
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        assert x.dim() == 2, "expects a batch of vectors"
        assert x.abs().max() < 100, "input out of range"
        return x * 2
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = abs(%0) : f32[1,4] loc("assert_runtime.py":11:18)
#   %2 = reduce_max(%1) {axes = [0, 1], keepdims = false} : f32[] loc("assert_runtime.py":11:24)
#   %3 = full() {value = 100.0} : f32[] loc("assert_runtime.py":11:16)
#   %4 = lt(%2, %3) : bool[] loc("assert_runtime.py":11:16)
#   %5 = item(%4) : bool loc("assert_runtime.py":11:9)
#   %6 = check(%5) : bool loc("assert_runtime.py":11:9)
#   %7 = full() {value = 2.0} : f32[] loc("assert_runtime.py":12:18)
#   %8 = mul(%0, %7) : f32[1,4] loc("assert_runtime.py":12:18)
#   ret %8 loc("assert_runtime.py":12:9)
# }
