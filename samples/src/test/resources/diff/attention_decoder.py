# entry: AttentionDecoder()
# input: x=float32[1,16,32]
# inputs: 0.1, 1.0, 4.0, -1.0
# A greedy attention decoder (after Show, Attend and Tell): a first step before a data-dependent
# loop of further steps, each attending over the 16 annotations x. Every step projects the
# annotations with the same weights; the loop body reads the first step's projection instead of
# computing it again (ReuseDominatingValues). The number of steps comes from the input's scale:
# none after the first, two, or the limit of six.
import torch
import torch.nn as nn
import torch.nn.functional as F


class AttentionDecoder(nn.Module):
    def __init__(self, feat=32, hidden=20, att=24, vocab=7):
        super().__init__()
        self.enc_att = nn.Linear(feat, att)
        self.dec_att = nn.Linear(hidden, att)
        self.full_att = nn.Linear(att, 1)
        self.embed = nn.Embedding(vocab, hidden)
        self.cell = nn.GRUCell(feat + hidden, hidden)
        self.out = nn.Linear(hidden, vocab)

    def step(self, x, word, h):
        e = self.full_att(torch.tanh(self.enc_att(x) + self.dec_att(h).unsqueeze(1)))
        alpha = F.softmax(e.squeeze(2), dim=1)
        context = (x * alpha.unsqueeze(2)).sum(dim=1)
        h = self.cell(torch.cat([context, self.embed(word)], dim=1), h)
        logits = self.out(h)
        return logits.argmax(-1), h, alpha

    def forward(self, x):
        h = torch.tanh(x.mean(dim=1)[:, :20])
        word = torch.zeros(1, dtype=torch.long)
        word, h, alpha = self.step(x, word, h)
        steps = int(x.abs().mean().item() * 3)
        n = 0
        while n < steps and n < 6:
            word, h, alpha = self.step(x, word, h)
            n += 1
        return word, h, alpha, n
