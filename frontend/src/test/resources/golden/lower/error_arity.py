# entry: build()
# input: x=float32[1,4]
# A construction-time call with too many positional arguments.
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.fc = nn.Linear(cin, cout)

    def forward(self, x):
        return self.fc(x)


def build():
    return Block(4, 4, 0.5)
# ---- expected ----
# error[DN0102]: error_arity.py:17:12: Block.__init__() takes 3 positional arguments but 4 were given
#    |
# 17 |     return Block(4, 4, 0.5)
#    |            ^
#    = hint: the signature is Block.__init__(self, cin, cout), defined at error_arity.py:8:5
