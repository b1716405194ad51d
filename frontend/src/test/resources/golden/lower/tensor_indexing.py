# entry: Net()
# input: x=float32[2,3,4]
# Indexing and slicing (x[:, 0], x[..., :2], x[None], negative indices, steps), torch.cat,
# view(-1), mean(dim=...), unsqueeze/squeeze/permute/transpose.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        first = x[:, 0]
        head = x[..., :2]
        batch = x[None]
        last = x[-1, :, ::2]
        both = torch.cat([head, x[:, :, 2:]], dim=2)
        flat = both.view(-1)
        avg = x.mean(dim=1)
        t = x.permute(2, 0, 1).transpose(0, 1).unsqueeze(0).squeeze(0)
        return first, batch.size(), last, flat, avg, avg.mean(dim=(0, 1), keepdim=True), t
# ---- expected ----
# func @forward(%0 "x": f32[2,3,4]) {
# ^bb0:
#   %1 = strided_slice(%0) {begin = [0, 0, 0], end = [2, 1, 4], strides = [1, 1, 1]} : f32[2,1,4] loc("tensor_indexing.py":11:18)
#   %2 = reshape(%1) {shape = [2, 4]} : f32[2,4] loc("tensor_indexing.py":11:18)
#   %3 = strided_slice(%0) {begin = [0, 0, 0], end = [2, 3, 2], strides = [1, 1, 1]} : f32[2,3,2] loc("tensor_indexing.py":12:17)
#   %4 = reshape(%0) {shape = [1, 2, 3, 4]} : f32[1,2,3,4] loc("tensor_indexing.py":13:18)
#   %5 = strided_slice(%0) {begin = [1, 0, 0], end = [2, 3, 4], strides = [1, 1, 2]} : f32[1,3,2] loc("tensor_indexing.py":14:17)
#   %6 = reshape(%5) {shape = [3, 2]} : f32[3,2] loc("tensor_indexing.py":14:17)
#   %7 = strided_slice(%0) {begin = [0, 0, 2], end = [2, 3, 4], strides = [1, 1, 1]} : f32[2,3,2] loc("tensor_indexing.py":15:34)
#   %8 = concat(%3, %7) {axis = 2} : f32[2,3,4] loc("tensor_indexing.py":15:22)
#   %9 = reshape(%8) {shape = [24]} : f32[24] loc("tensor_indexing.py":16:21)
#   %10 = reduce_mean(%0) {axes = [1], keepdims = false} : f32[2,4] loc("tensor_indexing.py":17:17)
#   %11 = transpose(%0) {perm = [2, 0, 1]} : f32[4,2,3] loc("tensor_indexing.py":18:15)
#   %12 = transpose(%11) {perm = [1, 0, 2]} : f32[2,4,3] loc("tensor_indexing.py":18:32)
#   %13 = reshape(%12) {shape = [1, 2, 4, 3]} : f32[1,2,4,3] loc("tensor_indexing.py":18:48)
#   %14 = reshape(%13) {shape = [2, 4, 3]} : f32[2,4,3] loc("tensor_indexing.py":18:61)
#   %15 = reduce_mean(%10) {axes = [0, 1], keepdims = true} : f32[1,1] loc("tensor_indexing.py":19:58)
#   %16 = const() {value = 1} : i64 loc("tensor_indexing.py":19:9)
#   %17 = const() {value = 2} : i64 loc("tensor_indexing.py":19:9)
#   %18 = const() {value = 3} : i64 loc("tensor_indexing.py":19:9)
#   %19 = const() {value = 4} : i64 loc("tensor_indexing.py":19:9)
#   ret (%2, (%16, %17, %18, %19), %6, %9, %10, %15, %14) loc("tensor_indexing.py":19:9)
# }
