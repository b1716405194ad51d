# entry: Net()
# input: x=float32[1,4]
# numpy reductions of a Python list of .item() values are computed by host ops (numpy's float64
# mean: the items cast to f64, added, divided by the count).
import numpy as np
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        h = self.fc(x)
        return h, np.mean([h.max().item(), h.min().item()])
# ---- expected ----
# func @forward(%0 "x": f32[1,4]) {
# ^bb0:
#   %1 = weight() {name = "fc.weight"} : f32[4,4] loc("numpy_list_of_runtime_values.py":12:22)
#   %2 = weight() {name = "fc.bias"} : f32[4] loc("numpy_list_of_runtime_values.py":12:22)
#   %3 = linear(%0, %1, %2) : f32[1,4] loc("numpy_list_of_runtime_values.py":15:18)
#   %4 = reduce_max(%3) {axes = [0, 1], keepdims = false} : f32[] loc("numpy_list_of_runtime_values.py":16:30)
#   %5 = item(%4) : f32 loc("numpy_list_of_runtime_values.py":16:36)
#   %6 = reduce_min(%3) {axes = [0, 1], keepdims = false} : f32[] loc("numpy_list_of_runtime_values.py":16:46)
#   %7 = item(%6) : f32 loc("numpy_list_of_runtime_values.py":16:52)
#   %8 = cast(%5) {dtype = "f64"} : f64 loc("numpy_list_of_runtime_values.py":16:22)
#   %9 = cast(%7) {dtype = "f64"} : f64 loc("numpy_list_of_runtime_values.py":16:22)
#   %10 = add(%8, %9) : f64 loc("numpy_list_of_runtime_values.py":16:22)
#   %11 = const() {value = 2} : i64 loc("numpy_list_of_runtime_values.py":16:22)
#   %12 = cast(%11) {dtype = "f64"} : f64 loc("numpy_list_of_runtime_values.py":16:22)
#   %13 = div(%10, %12) : f64 loc("numpy_list_of_runtime_values.py":16:22)
#   ret (%3, %13) loc("numpy_list_of_runtime_values.py":16:9)
# }
