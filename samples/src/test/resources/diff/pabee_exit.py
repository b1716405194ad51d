# entry: PABEE()
# input: x=float32[1,8]
# inputs: 0.1, 0.5, 1.0, 2.0, 0.3, 1.5, 3.0, 6.0
# PABEE-style patience-based early exit (Zhou et al. 2020): an internal classifier after every
# layer; the run stops once `patience` consecutive classifiers agree with the one before, counted
# in a host int that a tensor condition resets; `patient_result` starts as None and is rebound in
# the loop; the number of layers run is returned.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Layer(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc1 = nn.Linear(d, 2 * d)
        self.fc2 = nn.Linear(2 * d, d)
        self.norm = nn.LayerNorm(d)

    def forward(self, h):
        return self.norm(h + self.fc2(F.gelu(self.fc1(h))))


class PABEE(nn.Module):
    def __init__(self, d=16, n_layers=6, n_classes=8, patience=2):
        super().__init__()
        self.embed = nn.Linear(8, d)
        self.layers = nn.ModuleList([Layer(d) for _ in range(n_layers)])
        self.heads = nn.ModuleList([nn.Linear(d, n_classes) for _ in range(n_layers)])
        self.patience = patience

    def forward(self, x):
        h = self.embed(x)
        patient_counter = 0
        patient_result = None
        calculated_layer_num = 0
        for i, layer in enumerate(self.layers):
            h = layer(h)
            calculated_layer_num += 1
            logits = self.heads[i](h)
            if patient_result is not None:
                labels = logits.detach().argmax(dim=1)
                patient_labels = patient_result.detach().argmax(dim=1)
            if (patient_result is not None) and torch.all(labels.eq(patient_labels)):
                patient_counter += 1
            else:
                patient_counter = 0
            patient_result = logits
            if patient_counter == self.patience:
                break
        return patient_result, calculated_layer_num, patient_counter
