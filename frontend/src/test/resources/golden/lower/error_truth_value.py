# entry: Net()
# input: x=float32[2,5]
# Where Python needs the truth of a run-time value and dynnc cannot branch on it, the value is
# refused with a located error (it was once taken as true): filter(), sorted() with a key comparing
# tensors (max() and min() branch on it now: diff test max_key.py), operator.truth. Also refused as
# PyTorch refuses them: fill_ with a string and clamp with neither bound.
import operator

import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        rows = [x[0], x[1]]
        a = list(filter(lambda r: r.sum() > 0, rows))
        b = sorted(rows, key=lambda r: r.sum())
        d = operator.truth(x.sum())
        e = x.clone().fill_("1")
        f = x.clamp()
        return x
# ---- expected ----
# error[DN0201]: error_truth_value.py:16:18: the truth value of a run-time tensor is needed here, where dynnc cannot branch on it
#    |
# 16 |         a = list(filter(lambda r: r.sum() > 0, rows))
#    |                  ^
#    = hint: test it in an if or while statement, a conditional expression, `and`, `or`, `not` or bool(), or compute with it as a tensor (torch.where, .any(), .all())
# error[DN0201]: error_truth_value.py:17:13: the truth value of a run-time tensor is needed here, where dynnc cannot branch on it
#    |
# 17 |         b = sorted(rows, key=lambda r: r.sum())
#    |             ^
#    = hint: test it in an if or while statement, a conditional expression, `and`, `or`, `not` or bool(), or compute with it as a tensor (torch.where, .any(), .all())
# error[DN0201]: error_truth_value.py:18:22: the truth value of a run-time tensor is needed here, where dynnc cannot branch on it
#    |
# 18 |         d = operator.truth(x.sum())
#    |                      ^
#    = hint: test it in an if or while statement, a conditional expression, `and`, `or`, `not` or bool(), or compute with it as a tensor (torch.where, .any(), .all())
# error[DN0102]: error_truth_value.py:19:23: fill_(): argument 'value' must be Tensor|Number, not str
#    |
# 19 |         e = x.clone().fill_("1")
#    |                       ^
# error[DN0102]: error_truth_value.py:20:15: torch.clamp: at least one of 'min' or 'max' must not be None
#    |
# 20 |         f = x.clamp()
#    |               ^
