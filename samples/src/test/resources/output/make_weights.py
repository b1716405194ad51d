# Writes tiny.pt and slow.pt (state dicts of tiny_model's modules) into the directory given.
import sys

import torch

sys.path.insert(0, sys.argv[1])
import tiny_model  # noqa: E402

torch.manual_seed(0)
torch.save(tiny_model.Tiny().state_dict(), sys.argv[2] + "/tiny.pt")
torch.save(tiny_model.Slow().state_dict(), sys.argv[2] + "/slow.pt")
