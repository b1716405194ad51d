# entry: build_model()
# input: x=float32[1,8]
# inputs: 0.1, 0.5, 1.0, 2.0, 4.0, 8.0
# Configuration as modern research code declares it: a @dataclass config (a field with a default
# factory, __post_init__, a derived dataclass adding fields, asdict and replace), a
# @dataclass(frozen=True) one, a registry decorator of the model's own on the model class, and
# an early-exit result returned as a typing.NamedTuple with a default field.
import dataclasses
from dataclasses import dataclass, field
from typing import List, NamedTuple, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

MODELS = {}


def register(cls):
    MODELS[cls.__name__] = cls
    return cls


@dataclass
class BaseConfig:
    hidden: int = 8
    layers: int = 3


@dataclass
class ExitConfig(BaseConfig):
    thresholds: List[float] = field(default_factory=lambda: [0.55, 0.6])
    scale: float = 1.0
    depth_cost: Optional[float] = None

    def __post_init__(self):
        if self.depth_cost is None:
            self.depth_cost = 0.1 * self.layers


@dataclass(frozen=True)
class HeadConfig:
    classes: int = 3


class ExitOutput(NamedTuple):
    logits: torch.Tensor
    exit_index: int
    cost: float = 0.0


@register
class Net(nn.Module):
    def __init__(self, cfg: ExitConfig, head: HeadConfig = HeadConfig()):
        super().__init__()
        self.cfg = cfg
        self.settings = dataclasses.asdict(cfg)
        self.blocks = nn.ModuleList([nn.Linear(cfg.hidden, cfg.hidden) for _ in range(cfg.layers)])
        self.heads = nn.ModuleList([nn.Linear(cfg.hidden, head.classes) for _ in range(cfg.layers)])

    def forward(self, x) -> ExitOutput:
        h = x * self.cfg.scale
        for i, (blk, head) in enumerate(zip(self.blocks, self.heads)):
            h = F.relu(blk(h)) + h
            logits = head(h)
            if i < len(self.settings["thresholds"]):
                if F.softmax(logits, dim=-1).max() > self.cfg.thresholds[i]:
                    return ExitOutput(logits, i, self.cfg.depth_cost * (i + 1))
        return ExitOutput(logits=logits, exit_index=self.cfg.layers - 1)


def build_model():
    cfg = dataclasses.replace(ExitConfig(layers=3), scale=0.5)
    return MODELS["Net"](cfg)
