# entry: UniversalTransformer()
# input: x=float32[1,5,8]
# inputs: 1.0, -1.0, 2.0, -2.0, 0.5, -0.5
# A Universal Transformer's adaptive depth (after Dehghani et al., "Universal Transformers", 2019,
# with Graves' adaptive computation time): one shared encoder layer applied again and again, each
# position halting once its accumulated halting probability passes a threshold, the state a
# weighted mix of the steps. Written as such code usually is: a while loop on
# ((halting < threshold) & (n_updates < max_hop)).byte().any(), float masks, a timing signal added
# every step and a per-step position signal indexed by the loop counter.
import torch
import torch.nn as nn


class AdaptiveDepth(nn.Module):
    def __init__(self, hidden, threshold=0.9):
        super().__init__()
        self.p = nn.Linear(hidden, 1)
        self.threshold = threshold

    def forward(self, state, fn, timing, position, max_hop):
        batch, length = state.shape[0], state.shape[1]
        halting = torch.zeros(batch, length)
        remainders = torch.zeros(batch, length)
        n_updates = torch.zeros(batch, length)
        previous = torch.zeros_like(state)
        step = 0
        while ((halting < self.threshold) & (n_updates < max_hop)).byte().any():
            state = state + timing[:, :length, :].type_as(state.data)
            state = state + position[:, step, :].unsqueeze(1).repeat(1, length, 1)
            p = torch.sigmoid(self.p(state)).squeeze(-1)
            running = (halting < 1.0).float()
            new_halted = (halting + p * running > self.threshold).float() * running
            running = (halting + p * running <= self.threshold).float() * running
            halting = halting + p * running
            remainders = remainders + new_halted * (1 - halting)
            halting = halting + new_halted * remainders
            n_updates = n_updates + running + new_halted
            weights = (p * running + new_halted * remainders).unsqueeze(-1)
            state = fn(state)
            previous = state * weights + previous * (1 - weights)
            step += 1
        return previous, remainders, n_updates, step


class UniversalTransformer(nn.Module):
    def __init__(self, d=16, max_hop=6):
        super().__init__()
        self.embed = nn.Linear(8, d)
        self.layer = nn.TransformerEncoderLayer(d, 2, 32, dropout=0.0, batch_first=True)
        self.act = AdaptiveDepth(d)
        self.max_hop = max_hop
        self.register_buffer('timing', torch.randn(1, 10, d) * 0.1)
        self.register_buffer('position', torch.randn(1, max_hop, d) * 0.1)
        self.out = nn.Linear(d, 3)

    def forward(self, x):
        h, remainders, n_updates, steps = self.act(
            self.embed(x), self.layer, self.timing, self.position, self.max_hop)
        return self.out(h.mean(1)), remainders, n_updates, steps
