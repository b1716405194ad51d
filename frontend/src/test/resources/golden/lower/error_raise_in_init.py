# entry: Net(kind='gru')
# input: x=float32[1,4]
# Construction reaches a raise statement for an unknown configuration.
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, kind):
        super().__init__()
        if kind == 'linear':
            self.body = nn.Linear(4, 4)
        else:
            raise ValueError(f'unknown kind {kind!r}')

    def forward(self, x):
        return self.body(x)
# ---- expected ----
# error[DN0111]: error_raise_in_init.py:13:13: model code raised ValueError: unknown kind 'gru'
#    |
# 13 |             raise ValueError(f'unknown kind {kind!r}')
#    |             ^
#    = hint: the model's construction arguments reach a 'raise' statement
