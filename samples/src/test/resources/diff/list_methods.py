# entry: Cascade()
# input: x=float32[1,3,4,4]
# inputs: 0.1, 1.0, 4.0, 10.0, 0.5, 2.0
# A cascade of growing classifiers (IDK cascades, Wang et al. 2018) that keeps each stage's
# output on the module in a list emptied with clear() at the start of forward (not state between
# calls), returns a dict at each exit, and uses the other list and dict methods research code calls
# on host values: remove, sort (with key and reverse), and dict.clear.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Cascade(nn.Module):
    def __init__(self):
        super().__init__()
        self.models = nn.ModuleList([nn.Sequential(nn.Flatten(), nn.Linear(48, k), nn.ReLU(), nn.Linear(k, 3))
                                     for k in (4, 8, 16)])
        self.thresholds = [0.9, 0.8]
        self.feats = []
        self.seen = {"stale": 1}

    def forward(self, x):
        self.feats.clear()
        self.seen.clear()
        order = [2, 0, 1, 0]
        order.remove(0)
        order.sort(reverse=True)
        names = ["bb", "a", "ccc"]
        names.sort(key=len)
        self.seen[names[0]] = order
        for i, m in enumerate(self.models):
            out = m(x)
            self.feats.append(out)
            prob, pred = torch.max(F.softmax(out, dim=1), dim=1)
            if i < len(self.thresholds) and prob.item() >= self.thresholds[i]:
                return {"logits": out, "exit": i, "pred": pred, "order": order, "n": len(self.seen)}
        stacked = torch.stack(self.feats, 0)
        return {"logits": out, "exit": len(self.models) - 1, "pred": pred, "mean": stacked.mean(0)}
