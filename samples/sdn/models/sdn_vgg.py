"""A VGG turned into a Shallow-Deep Network (after Kaya et al., "Shallow-Deep Networks:
Understanding and Mitigating Network Overthinking", ICML 2019), CIFAR-sized.

Internal classifiers are attached after some of the conv blocks. Every block returns
(features, has_exit, exit_logits): blocks without an exit rebind their forward in __init__ to one
that returns (features, 0, None). Training uses all exits (forward); at inference,
predict_early stops at the first exit whose top softmax probability reaches the confidence
threshold, decided on the host.
"""
import copy
import os
import pickle
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.optim.lr_scheduler import MultiStepLR

from .heads import InternalClassifier


class ExitBlock(nn.Module):
    def __init__(self, conv_params, exit_params):
        super(ExitBlock, self).__init__()
        in_channels, out_channels, pool_size, batch_norm = conv_params
        has_exit, num_classes, input_size, exit_id = exit_params
        self.exit_id = exit_id
        layers = [nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, stride=1)]
        if batch_norm:
            layers.append(nn.BatchNorm2d(out_channels))
        layers.append(nn.ReLU())
        if pool_size > 1:
            layers.append(nn.MaxPool2d(kernel_size=pool_size))
        self.layers = nn.Sequential(*layers)
        if has_exit:
            self.exit = InternalClassifier(input_size, out_channels, num_classes)
            self.has_exit = True
        else:
            self.exit = None
            self.has_exit = False
            self.forward = self.forward_without_exit

    def forward(self, x):
        fwd = self.layers(x)
        return fwd, 1, self.exit(fwd)

    def exit_only(self, x):
        return self.exit(self.layers(x))

    def forward_without_exit(self, x):
        fwd = self.layers(x)
        return fwd, 0, None


class VGGSDN(nn.Module):
    def __init__(self, params):
        super(VGGSDN, self).__init__()
        self.params = copy.deepcopy(params)
        self.input_size = int(params['input_size'])
        self.num_classes = int(params['num_classes'])
        self.channels = params['conv_channels']
        self.pool_sizes = params['max_pool_sizes']
        self.fc_sizes = params['fc_layer_sizes']
        self.exit_positions = params['add_ic']
        self.confidence_threshold = params.get('confidence_threshold', 0.5)
        self.num_exits = sum(self.exit_positions) + 1
        self.stem = nn.Sequential()  # the VGG has no stem; kept so that ResNet variants share the code
        self.layers = nn.ModuleList()
        in_channels = 3
        size = self.input_size
        exit_id = 0
        for i, channels in enumerate(self.channels):
            if self.pool_sizes[i] == 2:
                size = int(size / 2)
            conv_params = (in_channels, channels, self.pool_sizes[i], params['conv_batch_norm'])
            exit_params = (self.exit_positions[i], self.num_classes, size, exit_id)
            self.layers.append(ExitBlock(conv_params, exit_params))
            in_channels = channels
            exit_id += self.exit_positions[i]
        head = [nn.Flatten(), nn.Linear(size * size * self.channels[-1], self.fc_sizes[0]), nn.ReLU(), nn.Dropout(0.5)]
        for a, b in zip(self.fc_sizes[:-1], self.fc_sizes[1:]):
            head += [nn.Linear(a, b), nn.ReLU(), nn.Dropout(0.5)]
        head.append(nn.Linear(self.fc_sizes[-1], self.num_classes))
        self.head = nn.Sequential(*head)

    def forward(self, x):
        """Logits of every exit (training and the overthinking analysis)."""
        outputs = []
        fwd = self.stem(x)
        for layer in self.layers:
            fwd, has_exit, logits = layer(fwd)
            if has_exit:
                outputs.append(logits)
        outputs.append(self.head(fwd))
        return outputs

    def predict_early(self, x):
        """One image: (logits, exit index, whether it left early)."""
        fwd = self.stem(x)
        exit_id = 0
        for layer in self.layers:
            fwd, has_exit, logits = layer(fwd)
            if has_exit:
                probs = F.softmax(logits[0], dim=0)
                confidence = probs.max().cpu().numpy()
                if confidence >= self.confidence_threshold:
                    return logits, exit_id, True
                exit_id += has_exit
        return self.head(fwd), exit_id, False


def get_params(task='cifar10', network='vgg16_sdn_tiny'):
    params = {}
    params['network_type'] = network
    params['task'] = task
    params['input_size'] = 32
    params['num_classes'] = 10
    params['conv_channels'] = [8, 8, 16, 16, 32]
    params['max_pool_sizes'] = [1, 2, 1, 2, 2]
    params['conv_batch_norm'] = True
    params['fc_layer_sizes'] = [32]
    params['add_ic'] = [0, 1, 0, 1, 1]
    params['confidence_threshold'] = 0.5
    params['learning_rate'] = 0.001
    params['epochs'] = 25
    params['milestones'] = [15, 20]
    params['gammas'] = [0.1, 0.1]
    return params


def create_vgg_sdn(task='cifar10', save_dir=None):
    params = get_params(task)
    model = VGGSDN(params)
    if save_dir is not None:
        save_model(model, params, save_dir, params['network_type'], epoch=0)
    return model


def save_model(model, params, models_path, model_name, epoch=-1):
    os.makedirs(os.path.join(models_path, model_name), exist_ok=True)
    path = os.path.join(models_path, model_name, 'untrained' if epoch == 0 else str(epoch))
    torch.save(model.state_dict(), path)
    with open(os.path.join(models_path, model_name, 'parameters_' + str(epoch)), 'wb') as f:
        pickle.dump(params, f, pickle.HIGHEST_PROTOCOL)


# ------------------------------------------------------------------------------------------------
# training: all exits at once, with a weight per exit that grows over the epochs (IC-only training
# of a pretrained backbone is left out)


def exit_weights(num_exits, epoch, max_epochs):
    cur = min(epoch / max(max_epochs // 2, 1), 1.0)
    return [0.15 + cur * (0.85 * (i + 1) / num_exits - 0.15) for i in range(num_exits - 1)] + [1.0]


def sdn_train(model, data, epochs, optimizer, scheduler):
    metrics = {'epoch_times': [], 'train_loss': []}
    for epoch in range(1, epochs + 1):
        start = time.time()
        weights = exit_weights(model.num_exits, epoch, epochs)
        model.train()
        for x, y in data:
            outputs = model(x)
            loss = sum(w * F.cross_entropy(o, y) for w, o in zip(weights, outputs))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        scheduler.step()
        metrics['epoch_times'].append(time.time() - start)
        metrics['train_loss'].append(float(loss))
    return metrics


def early_exit_accuracy(model, loader):
    model.eval()
    exits = np.zeros(model.num_exits, dtype=np.int64)
    correct = 0
    with torch.no_grad():
        for x, y in loader:
            logits, exit_id, _ = model.predict_early(x)
            exits[exit_id] += 1
            correct += int(logits.argmax(1).item() == y.item())
    return correct / max(1, exits.sum()), exits


if __name__ == '__main__':
    net = create_vgg_sdn()
    p = net.params
    opt = optim.Adam(net.parameters(), lr=p['learning_rate'])
    sched = MultiStepLR(opt, milestones=p['milestones'], gamma=p['gammas'][0])
    print(sdn_train(net, [], p['epochs'], opt, sched))
