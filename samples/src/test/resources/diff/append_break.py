# entry: Net()
# input: x=float32[1,8]
# inputs: 0.2, 1.0, 4.0, 15.0, 200.0
# Greedy-decoding style: a static loop appends a token and a state per step and breaks under a
# data-dependent condition, so its exits leave lists of 1 to 4 items; each length runs the code
# after the loop on its own path (which appends once more to a list and stacks), and the outputs'
# shapes depend on the path. The level shrinks 4x per step, so the input scale picks the step at
# which it falls below 0.1: 1, 2, 3, 4 (a break at the last step), or never.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.step = nn.Linear(8, 8)
        self.head = nn.Linear(8, 5)

    def forward(self, x):
        level = x.abs().mean()
        h = x
        tokens = []
        states = []
        for t in range(4):
            h = torch.tanh(self.step(h)) + 0.1 * h
            tokens.append(self.head(h).argmax(-1))
            states.append(h)
            level = level * 0.25
            if level < 0.1:
                break
        states.append(torch.zeros_like(h))
        return torch.stack(tokens, 1), torch.cat(states, 0), len(tokens), len(states), level
