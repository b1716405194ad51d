# entry: Decoder()
# input: x=float32[1,4]
# inputs: 0.5, 1.0, 2.0, 4.0, 8.0, 0.25, 3.0, 1.5, 0.75, 6.0, 0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9, 1.2, 2.5
# `while True:` loops that stop at a data-dependent test or at a length limit written after it in
# the same `or` (`p.item() > t or n >= 3`, `tok == END or len(tokens) >= limit`): once the limit
# holds the test is true whatever the run-time part gives, so the loop unrolls to the limit with a
# data-dependent exit in every iteration. Also `and` with a constant, a conditional expression on
# such a test, and a run-time bool `or`-ed with True used as a value.
import torch
import torch.nn as nn

END = 1


class Decoder(nn.Module):
    def __init__(self, vocab=4, hidden=8, limit=3):
        super().__init__()
        self.cell = nn.LSTMCell(4, hidden)
        self.out = nn.Linear(hidden, vocab)
        self.stop = nn.Linear(hidden, 1)
        self.embed = nn.Embedding(vocab, 4)
        self.limit = limit

    def forward(self, x):
        h = torch.zeros(1, 8)
        c = torch.zeros(1, 8)
        outs = []
        n = 0
        inp = x
        while True:
            h, c = self.cell(inp, (h, c))
            y = self.out(h)
            outs.append(y)
            inp = torch.softmax(y, dim=-1)
            n += 1
            if torch.sigmoid(self.stop(h)).item() > 0.5 or n >= 3:
                break
        tokens = [3]
        while True:
            h, c = self.cell(self.embed(torch.tensor([tokens[-1]])) + 2 * x, (h, c))
            tok = self.out(h).argmax(dim=-1)
            tokens.append(int(tok))
            if tok == END or len(tokens) >= self.limit:
                break
        scale = 2.0 if (h.sum() > 0 and True) or n >= 99 else 0.5
        flag = (h.mean().item() > 0) or True
        also = (c.mean().item() > 0) and True
        return torch.cat(outs, dim=0).sum(0) * scale, n, tokens, flag, also
