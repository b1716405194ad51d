# entry: build_model(default_args())
# input: x=float32[2,8]
# inputs: 0.1, 1.0, 3.0, 10.0, 0.5, 2.0
# A model file as research repositories write it: the training script lives next to the model.
# It imports libraries and parts of torch that dynnc does not model (optimizers, schedulers, data
# loaders, losses, pdb, tqdm if present), sets cudnn flags, makes a logger and a loss at module
# level, and defines a dataset, a training loop and a command-line entry point that inference never
# calls. None of it may cost anything; the argument namespace comes from argparse.Namespace.
import argparse
import logging
import os
import pdb
import sys
import time
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, Dataset

try:
    from tqdm import tqdm
except ImportError:
    def tqdm(iterable, **kwargs):
        return iterable

try:
    import scipy.special as sps
except ImportError:
    sps = None

logger = logging.getLogger(__name__)
criterion = nn.CrossEntropyLoss()
device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
torch.backends.cudnn.benchmark = True
warnings.filterwarnings('ignore', category=UserWarning)


class RandomData(Dataset):
    def __init__(self, n, width):
        self.x = torch.randn(n, width)
        self.y = torch.randint(0, 4, (n,))

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


class GatedNet(nn.Module):
    def __init__(self, args):
        super(GatedNet, self).__init__()
        self.fc1 = nn.Linear(args.width, args.hidden)
        self.fc2 = nn.Linear(args.hidden, args.classes)
        self.fc3 = nn.Linear(args.hidden, args.classes)
        self.threshold = args.threshold
        self.loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)  # used by training_step only
        logger.info('GatedNet with %d hidden units', args.hidden)
        print('built', type(self).__name__)

    def forward(self, x):
        h = F.relu(self.fc1(x))
        if x.abs().mean() > self.threshold:
            return self.fc2(h)
        return self.fc3(h) * 0.5

    def training_step(self, batch):
        x, y = batch
        return self.loss_fn(self(x), y)


def train(model, epochs, lr):
    loader = DataLoader(RandomData(64, 8), batch_size=16, shuffle=True)
    optimizer = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    scheduler = StepLR(optimizer, step_size=10, gamma=0.1)
    for epoch in range(epochs):
        start = time.time()
        for batch in tqdm(loader, desc='epoch %d' % epoch):
            optimizer.zero_grad()
            loss = model.training_step(batch)
            loss.backward()
            optimizer.step()
            if loss.item() != loss.item():
                pdb.set_trace()
        scheduler.step()
        logger.info('epoch %d took %.1fs', epoch, time.time() - start)


def default_args():
    return argparse.Namespace(width=8, hidden=16, classes=4, threshold=1.0, lr=0.1, epochs=1)


def build_model(args):
    return GatedNet(args)


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description='train GatedNet')
    parser.add_argument('--hidden', type=int, default=16)
    parser.add_argument('--epochs', type=int, default=1)
    cli = parser.parse_args()
    train(build_model(cli), cli.epochs, 0.1)
    torch.save(build_model(cli).state_dict(), os.path.join('/tmp', 'gated.pt'))
    sys.exit(0)
