# entry: Net()
# input: x=float32[1,4]
# Construction code may compute with tensors for buffers (their values come from the checkpoint),
# but not read those values into Python, and not give a parameter's .data another shape.
import torch
import torch.nn as nn


class Part(nn.Module):
    def __init__(self, use_item):
        super().__init__()
        w = torch.randn(4) * 2
        if use_item:
            self.k = w.max().item()
        else:
            self.k = int(w.argmax())
        self.register_buffer('w', w)


class Resized(nn.Module):
    def __init__(self):
        super().__init__()
        self.p = nn.Parameter(torch.zeros(3))
        self.p.data = torch.zeros(5)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = Part(True)
        self.b = Part(False)
        self.c = Resized()

    def forward(self, x):
        return x * self.a.w
# ---- expected ----
# error[DN0112]: error_construction_tensor_value.py:14:30: the value of a tensor made in __init__ is not known when dynnc compiles the model
#    |
# 14 |             self.k = w.max().item()
#    |                              ^
#    = hint: compute with Python numbers (the math module) here, or move this to forward
# error[DN0112]: error_construction_tensor_value.py:16:22: the value of a tensor made in __init__ is not known when dynnc compiles the model
#    |
# 16 |             self.k = int(w.argmax())
#    |                      ^
#    = hint: compute with Python numbers (the math module) here, or move this to forward
# error[DN0201]: error_construction_tensor_value.py:24:16: assigning .data a f32[5] where the tensor is f32[3] is not supported
#    |
# 24 |         self.p.data = torch.zeros(5)
#    |                ^
#    = hint: make the parameter with its final shape and dtype
