# entry: Net()
# input: x=float32[1,4]
# A Linear layer whose in_features do not match its input (DN0202).
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.fc2 = nn.Linear(4, 2)

    def forward(self, x):
        return self.fc2(self.fc1(x))
# ---- expected ----
# error[DN0202]: error_shape.py:14:21: linear: input f32[1,8] does not fit weight f32[2,4]
#    |
# 14 |         return self.fc2(self.fc1(x))
#    |                     ^
#    = hint: this Linear was created at error_shape.py:11:23; check its arguments against the shape of its input
