# entry: Model()
# input: x=float32[1,8]
# inputs: 0.1, 0.2, 0.5, 0.9, 1.5, 2.0, 3.0, 6.0, 9.0
# Early exit by exception, as DeeBERT-style code does it: a layer stack raises its own exception
# class carrying the logits of the first confident off-ramp; forward catches it. The raise is in a
# callee, inside a loop unrolled while compiling, under a data-dependent test, and passes through
# an inner try whose handler does not take it; the exception calls super().__init__ (e.args) and
# keeps attributes. A second try raises in its own body, has an else clause, and a handler that
# falls through.
import torch
import torch.nn as nn


class ExitNow(Exception):
    def __init__(self, logits, layer):
        super().__init__(logits.sum())
        self.logits = logits
        self.layer = layer


class Halt(ValueError):
    pass


class Encoder(nn.Module):
    def __init__(self, d=8, n=4):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(d, d) for _ in range(n)])
        self.heads = nn.ModuleList([nn.Linear(d, 4) for _ in range(n)])
        self.thresholds = [0.3, 0.8, 1.6]

    def stack(self, x, scale):
        h = x
        logits = None
        for i, layer in enumerate(self.layers):
            h = torch.tanh(layer(h)) + h
            logits = self.heads[i](h)
            if i < len(self.thresholds) and scale < self.thresholds[i]:
                raise ExitNow(logits, i + 1)
        return logits

    def forward(self, x, scale):
        try:
            out = self.stack(x, scale)
        except KeyError:
            out = torch.zeros(1, 4)
        return out


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.proj = nn.Linear(4, 4)

    def forward(self, x):
        scale = x.abs().mean()
        try:
            out = self.encoder(x, scale)
        except ExitNow as e:
            return self.proj(e.logits), e.layer, e.args[0] * 2.0
        else:
            out = out + 1.0
        try:
            if scale > 4.0:
                raise Halt(out.sum())
            total = out.sum()
        except (Halt, KeyError) as err:
            total = err.args[0] * -1.0
        return self.proj(out), 4, total
