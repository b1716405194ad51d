# entry: build(SimpleNamespace(widths='8, 12,16', act='relu', depth=3, extra={'drop': 0.0}))
# input: x=float32[2,8]
# inputs: 0.1, 1.0, 3.0, 10.0, 0.5, 2.0
# Construction code that leans on Python's library, as research code does: a SimpleNamespace of
# hyper-parameters copied and edited, namedtuple block specs, defaultdict counters, functools,
# itertools, operator and math for sizes, string parsing, sorting with keys, try/except for
# defaults, a context manager class, a global registry, del, lambda, assert, and print, warnings
# and logging with no effect. The values it computes are returned with the tensors, so they are
# compared with CPython's exactly.
import copy
import functools
import itertools
import logging
import math
import operator
import warnings
from collections import OrderedDict, defaultdict, namedtuple
from types import SimpleNamespace

import torch
import torch.nn as nn

BlockSpec = namedtuple('BlockSpec', 'cin cout act')
Stage = namedtuple('Stage', ['blocks', 'scale'], defaults=[1.0])
REGISTRY = {}
BUILT = 0
log = logging.getLogger('stdlib')


def register(name):
    def wrap(fn):
        REGISTRY[name] = fn
        return fn
    return wrap


@register('relu')
def make_relu():
    return nn.ReLU()


@register('tanh')
def make_tanh():
    return nn.Tanh()


class Timer:
    """A context manager that counts how often it was entered and left."""

    def __init__(self):
        self.events = []

    def __enter__(self):
        self.events.append('enter')
        return self

    def __exit__(self, *exc):
        self.events.append('exit')
        return False


def enc(v):
    """The value as numbers a compiled model can return: strings as code points, None as -1."""
    if isinstance(v, str):
        return [ord(c) for c in v]
    if isinstance(v, dict):
        return [[enc(k), enc(x)] for k, x in v.items()]
    if isinstance(v, (list, tuple)):
        return [enc(x) for x in v]
    return -1 if v is None else v


def count_built():
    global BUILT
    BUILT += 1
    return BUILT


class Net(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        assert isinstance(cfg.depth, int) and cfg.depth > 0, 'depth must be positive'
        base = copy.deepcopy(cfg)
        base.extra['drop'] = 0.5  # the copy is deep: cfg.extra is unchanged
        shallow = copy.copy(cfg)
        shallow.depth = 99
        widths = [int(w.strip()) for w in cfg.widths.split(',')]
        specs = [BlockSpec(a, b, cfg.act) for a, b in zip(widths, widths[1:])]
        specs = [s._replace(act='tanh') if i % 2 else s for i, s in enumerate(specs)]
        stage = Stage(specs)
        counts = defaultdict(int)
        blocks = OrderedDict()
        with Timer() as timer:
            for i, spec in enumerate(stage.blocks):
                counts[spec.act] += 1
                blocks['block%d' % i] = nn.Sequential(nn.Linear(spec.cin, spec.cout), REGISTRY[spec.act]())
        self.body = nn.Sequential(blocks)
        self.heads = nn.ModuleList([copy.deepcopy(nn.Linear(widths[-1], 4)) for _ in range(2)])
        try:
            drop = cfg.extra['dropout']
        except KeyError:
            drop = cfg.extra.get('drop', 0.1)
        try:
            missing = cfg.missing
        except AttributeError as e:
            missing = 'none'
        scratch = [1, 2, 3, 4, 5]
        del scratch[1], scratch[-1]
        scale = functools.reduce(operator.mul, [1.5, 2.0, 0.5], 1.0)
        add3 = functools.partial(operator.add, 3)
        pairs = list(itertools.product(range(2), 'ab'))
        sums = list(itertools.accumulate(widths))
        chained = list(itertools.chain(widths, itertools.repeat(0, 2), itertools.chain.from_iterable([[7], [8, 9]])))
        by_len = sorted(['ccc', 'a', 'bb', 'dd'], key=len, reverse=True)
        warnings.warn('stdlib sample: this warning has no effect')
        log.info('widths %s', widths)
        print('depth', cfg.depth, 'widths', widths)
        self.values = enc([
            widths, [tuple(s) for s in specs], dict(counts), drop, missing, scratch, scale, add3(4), pairs, sums,
            chained, by_len, list(reversed(widths)), list(map(lambda a, b: a * b, widths, [2, 3])),
            list(filter(None, [0, 1, '', 'x', [], [0]])), any(w > 12 for w in widths), all(w > 8 for w in widths),
            divmod(-7, 3), divmod(7.5, -2), round(2.675, 2), round(1234, -2), round(-0.5), pow(2, 10), pow(2.0, -1),
            type(drop) is float, type(widths) is list, isinstance(drop, (int, float)), isinstance(stage, tuple),
            math.floor(-2.5), math.ceil(2.1), math.isclose(0.1 + 0.2, 0.3), math.log2(1024), math.gcd(12, 18),
            math.factorial(10), math.comb(10, 3), math.inf > 1e308, math.isnan(math.nan), math.sqrt(2.0),
            'Block_%02d' % 7, 'a-b-c'.split('-', 1), 'a b  c'.rsplit(None, 1), ' pad '.strip(), 'xxhixx'.strip('x'),
            'title case'.title(), 'x'.join(['1', '2']), 'abc'.upper().lower(), '7'.zfill(3), 'mid'.center(7, '*'),
            'k=v'.partition('='), 'hello'.find('l'), 'hello'.count('l'), '12'.isdigit(), 'conv3x3'.startswith(('lin', 'conv')),
            '{:>6.2f}|{:<4}|{}'.format(3.14159, 'ab', None), f'{cfg.depth:03d}', str(cfg.extra), repr('q'),
            timer.events, count_built(), count_built(), BUILT, cfg.depth, shallow.depth, cfg.extra['drop'],
            base.extra['drop'], vars(cfg)['act'], sorted(vars(cfg)), max([3, 1, 2], key=lambda v: -v),
            min([], default=-1), sum([1, 2, 3], 10), len(self.body), bool(nn.ModuleList()), len(self.heads),
        ])

    def forward(self, x):
        h = self.body(x)
        if x.abs().mean() > 1.0:
            return self.heads[0](h), self.values
        return self.heads[1](h), self.values


def build(cfg):
    return Net(cfg)
