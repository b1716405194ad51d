# entry: Net()
# input: x=float32[1,4]
# The arguments come from the command line, which a compiled model never sees: the parser is
# opaque, and sizing a layer with one of its values is an error that names the import.
import argparse

import torch.nn as nn

parser = argparse.ArgumentParser()
parser.add_argument('--width', type=int, default=4)
args = parser.parse_args()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(args.width, 4)

    def forward(self, x):
        return self.fc(x)
# ---- expected ----
# error[DN0105]: error_lazy_argparse_in_init.py:17:22: 'argparse.ArgumentParser(...).parse_args(...).width' is from 'argparse', a library dynnc does not model, so it cannot be used here
#    |
# 17 |         self.fc = nn.Linear(args.width, 4)
#    |                      ^
#    = hint: imported here: error_lazy_argparse_in_init.py:5
