# entry: Net()
# input: x=float32[1,5,4]
# inputs: 0.1, 1.0, 3.0, 10.0, 0.5, 2.0
# PyTorch's module semantics as research code relies on them: a submodule reachable under two
# attribute names (the state_dict lists both), a non-persistent buffer (not in the state_dict),
# module methods without effect on inference (flatten_parameters, train, eval, requires_grad_,
# zero_grad, to, cpu, float, type), Variable, .data, .detach(), .clone(), torch.no_grad as context
# manager and decorator, torch.jit.ignore/unused, len() and truth of containers, and the module-tree
# walks (named_modules, children, named_children, parameters, named_parameters, named_buffers, apply).
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd import Variable


def names(pairs):
    return [[ord(c) for c in name] for name, _ in pairs]


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(4, 6, batch_first=True)
        self.rnn.flatten_parameters()
        self.encoder = nn.Linear(6, 6)
        self.shared = self.encoder  # the same module under a second name
        self.blocks = nn.Sequential(nn.Linear(6, 6), nn.ReLU(), self.encoder)
        self.heads = nn.ModuleDict({'a': nn.Linear(6, 3), 'b': nn.Linear(6, 3)})
        self.unused = nn.ModuleList()
        self.register_buffer('offset', torch.ones(3), persistent=False)
        self.register_buffer('scale', torch.ones(3))
        visited = []
        self.apply(lambda m: visited.append(type(m).__name__))
        self.train().eval().requires_grad_(False).to('cpu').cpu().float().type(torch.float32)
        self.zero_grad()
        self.facts = [
            names(self.named_modules()), names(self.named_children()), names(self.named_parameters()),
            names(self.named_buffers()), [[ord(c) for c in v] for v in visited], len(list(self.parameters())),
            len(list(self.children())), len(list(self.modules())), len(self.blocks), len(self.heads),
            len(self.unused), bool(self.unused), bool(self.blocks), 'a' in self.heads, sorted(self.heads.keys()) == ['a', 'b'],
            sum(p.numel() for p in self.parameters()), [list(p.shape) for _, p in self.blocks.named_parameters()],
        ]

    @torch.jit.ignore
    def describe(self):
        return 'Net'

    @torch.jit.unused
    def loss(self, x, y):
        return F.cross_entropy(x, y)

    @torch.no_grad()
    def pool(self, seq):
        return seq.mean(dim=1)

    def forward(self, x):
        self.rnn.flatten_parameters()
        x = Variable(x, requires_grad=False)
        seq, h = self.rnn(x.data)
        with torch.no_grad():
            z = self.pool(seq).detach().clone()
        z = self.shared(F.relu(self.blocks(z)))
        key = 'a' if len(self.heads) > 1 and not self.unused else 'b'
        if x.abs().mean() > 1.0:
            y = self.heads[key](z)
        else:
            y = self.heads['b'](z)
        return y * self.scale + self.offset, self.facts
