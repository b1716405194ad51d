# entry: Net()
# input: x=float32[1,4]
# A dict that forward returns, with a key set only where a data-dependent branch was taken: the
# returned structure would depend on the data, so the key is named in the error.
import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        out = {'logits': x * 2}
        if x.max() > 0.5:
            out['exit'] = True
        return out
# ---- expected ----
# error[DN0205]: error_dict_key_one_path.py:14:9: the returned key 'exit' of the dict 'out' is set on only one path after the data-dependent branch at error_dict_key_one_path.py:12:9
#    |
# 14 |         return out
#    |         ^
#    = hint: set the key on every path, to a value of the same kind (False here, say), or return from inside the branch
