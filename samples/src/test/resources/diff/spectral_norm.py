# entry: Critic()
# input: x=float32[1,3,8,8]
# inputs: 1.0, -1.0, 2.0, -2.0, 0.5, -0.5
# nn.utils.spectral_norm as GAN critics and Lipschitz-constrained networks use it, in eval mode
# (the stored u and v, no power iteration): convolutions, a transposed convolution (whose matrix
# keeps dim 1 by default), an explicit dim, a Linear whose normalized weight the code also reads
# directly, and a wrapped layer inside a Sequential; ending in a data-dependent branch.
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import spectral_norm


class Critic(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            spectral_norm(nn.Conv2d(3, 4, 3, padding=1)),
            nn.LeakyReLU(0.2),
            nn.utils.spectral_norm(nn.Conv2d(4, 4, 3, stride=2, padding=1), n_power_iterations=2))
        self.up = spectral_norm(nn.ConvTranspose2d(4, 2, 2, stride=2))
        self.side = spectral_norm(nn.Conv1d(8, 3, 1), dim=1)
        self.fc = spectral_norm(nn.Linear(16, 2))

    def forward(self, x):
        h = self.body(x)
        u = self.up(h)
        s = self.side(u.flatten(2).transpose(1, 2)[:, :8, :4].transpose(1, 2).reshape(1, 8, 2))
        logits = self.fc(h.flatten(1)[:, :16])
        norm = self.fc.weight.norm()
        if x[0, 0, 0, 0] > 0:
            return logits, u, s, norm
        return -logits, norm
