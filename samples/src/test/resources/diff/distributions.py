# entry: PolicyNet()
# input: x=float32[2,6]
# inputs: 1.0, 3.0, -0.5
# special: x[0,0]=40.0 x[0,1]=-40.0
# torch.distributions as policy networks and entropy exits use them in eval mode: Categorical from
# logits and from probabilities with zeros, Bernoulli from probabilities (0, 1 and one half among
# them) and from logits, Normal with a tensor and a number; their parameters, mean, variance,
# mode, entropy() and log_prob(); sampling only in training; a branch on the entropy.
import torch
import torch.distributions as D
import torch.nn as nn
from torch.distributions import Categorical
from torch.distributions.bernoulli import Bernoulli


class PolicyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.actor = nn.Linear(6, 4)
        self.gate = nn.Linear(6, 3)

    def forward(self, x):
        logits = self.actor(x)
        pi = Categorical(logits=logits)
        probs = torch.softmax(logits, -1) * (logits > logits.mean(-1, keepdim=True)).float()
        pi2 = Categorical(probs=probs)
        g = torch.sigmoid(self.gate(x))
        g = torch.cat([g, torch.tensor([[0.0, 1.0, 0.5], [0.5, 1.0, 0.0]])], dim=1)
        b = Bernoulli(probs=g)
        b2 = D.Bernoulli(logits=self.gate(x))
        n = D.Normal(logits, torch.sigmoid(logits) + 0.1)
        n2 = torch.distributions.Normal(0.5, 2.0)
        policy = b.sample() if self.training else (b.probs > 0.5).float()
        action = pi.mode
        cats = (pi.probs, pi.logits, pi.entropy(), pi.log_prob(action), pi.log_prob(torch.tensor([1, 3])),
                pi2.probs, pi2.logits, pi2.entropy(), pi2.mode)
        berns = (b.probs, b.logits, b.mean, b.variance, b.mode, b.entropy(), b.log_prob(policy),
                 b2.probs, b2.entropy(), b2.log_prob(torch.ones(2, 3)), policy)
        normals = (n.mean, n.stddev, n.variance, n.entropy(), n.log_prob(x[:, :4]), n.cdf(x[:, 2:]),
                   n2.log_prob(x), n2.entropy(), n2.cdf(x))
        if pi.entropy().mean() < 1.0:
            return cats, berns, normals
        return cats, action
