# entry: Net()
# input: x=float32[2,8]
# inputs: 1.0, 0.05, -1.0, 30.0
# Python's truth of run-time values, as early-exit code tests it: bool(t.item()) and bool(tensor)
# kept in a variable and branched on later, any() and all() over exits' confidences (a generator
# of .item() comparisons, a list of tensors), `not` of such a flag, and a conditional expression
# on bool(...); `in` and `not in` with a run-time item (k in (1, 2, 5), a dict's keys); isinstance
# and type() of .item() and int(.item()), which are Python numbers; `j or 5` and `j and 3` of a
# run-time int, whose value is one operand, not a bool. dynnc once
# took bool() of a run-time value as True and found a run-time item in no container, baking in one
# branch.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.exits = nn.ModuleList([nn.Linear(8, 2) for _ in range(3)])

    def forward(self, x):
        confs = [F.softmax(e(x), dim=1).max() for e in self.exits]
        flag = bool((x.sum() > 0).item())
        if flag:
            y = x * 2
        else:
            y = x - 1
        if any(c.item() > 0.9 for c in confs):
            y = y + 10
        done = all([c > 0.7 for c in confs])
        z = torch.tensor([bool(x.mean()), flag, done, not flag, any([False, x.sum() > 0])])
        k = int(x[0].argmax().item())
        if k in (1, 2, 5):
            y = y * 0.5
        picked = [1.0 if k not in [0, 3] else 0.0, 1.0 if k in {4: 'a', 'b': 1} else 0.0]
        s = x.max().item()
        picked.append(1.0 if isinstance(k, int) and isinstance(s, float) and type(k) is int else 0.0)
        j = int((x.sum() > 0).item())
        vals = x * (j or 5) + x * (j and 3) + x * (0 or j) + x * (2 and j) + x * (j * 0.5 or 1.5)
        return y, z, 1.0 if bool(x.max() > 1.0) else 2.0, picked, vals, j or 7
