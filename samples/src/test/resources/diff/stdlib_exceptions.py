# entry: Net()
# input: x=float32[1,4]
# More of CPython's semantics in construction code, each value compared with CPython's: a raise
# caught by its class or a base class, `except (A, B) as e`, try/else/finally order, a dynnc error
# (IndexError, ZeroDivisionError, KeyError) raised as CPython's exception, __len__ on a user class,
# __exit__ on return, del of attributes and slices, defaultdict(list), itertools.combinations and
# islice, operator.itemgetter/attrgetter, stable sorts, banker's rounding, and string methods.
import itertools
import operator
from collections import defaultdict, namedtuple

import torch.nn as nn

Pt = namedtuple('Pt', 'x y')


def enc(v):
    if isinstance(v, str):
        return [ord(c) for c in v]
    if isinstance(v, dict):
        return [[enc(k), enc(x)] for k, x in v.items()]
    if isinstance(v, (list, tuple)):
        return [enc(x) for x in v]
    return -1 if v is None else v


class Bag:
    def __init__(self, items):
        self.items = list(items)
        self.tag = 'bag'

    def __len__(self):
        return len(self.items)


class Guard:
    def __init__(self, log):
        self.log = log

    def __enter__(self):
        self.log.append('in')
        return self

    def __exit__(self, *exc):
        self.log.append('out')


def guarded(log):
    with Guard(log):
        return 'returned'


def attempt(fn, log):
    try:
        value = fn()
    except (KeyError, IndexError) as e:
        log.append('lookup')
        value = -1
    except ArithmeticError:
        log.append('arith')
        value = -2
    except ValueError as e:
        log.append('value:' + str(e))
        value = -3
    else:
        log.append('ok')
    finally:
        log.append('finally')
    return value


def bad_value():
    raise ValueError('bad width')


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        log = []
        results = [
            attempt(lambda: [1, 2][5], log), attempt(lambda: {'a': 1}['b'], log), attempt(lambda: 1 // 0, log),
            attempt(bad_value, log), attempt(lambda: int('12'), log), attempt(lambda: int('x'), log),
        ]
        bag = Bag('abcd')
        del bag.tag
        nums = [5, 3, 8, 1, 9, 2]
        del nums[1:3]
        groups = defaultdict(list)
        for word in ['apple', 'bob', 'avocado', 'bee', 'cat']:
            groups[word[0]].append(word)
        pts = [Pt(2, 'b'), Pt(1, 'a'), Pt(2, 'a'), Pt(1, 'b')]
        self.values = enc([
            results, log, guarded(log), log[-2:], len(bag), hasattr(bag, 'tag'), bool(Bag([])), nums, dict(groups),
            list(itertools.combinations([1, 2, 3, 4], 2)), list(itertools.islice(range(10), 2, 8, 3)),
            sorted(pts, key=operator.itemgetter(0)), sorted(pts, key=operator.attrgetter('x'), reverse=True),
            [p._asdict()['y'] for p in pts], pts[0]._replace(y='z'), Pt._fields, isinstance(pts[0], Pt),
            [round(v) for v in (0.5, 1.5, 2.5, -1.5)], round(0.125, 2), round(-2.5), round(7, 1),
            'a,b,,c'.split(','), ' x  y '.split(), 'aXbXc'.rsplit('X', 1), 'CamelCase'.swapcase(),
            '3.14'.replace('.', '').isdigit(), 'ab'.rjust(5, '.'), 'ab'.ljust(4) + '|', 'abcabc'.rfind('b'),
            'hello world'.capitalize(), 'x=1=2'.rpartition('='), '  lead'.lstrip(), 'trail..'.rstrip('.'),
            'MiXeD'.casefold(), 'line1\nline2\r\nline3'.splitlines(), chr(ord('a') + 2), 'abc'[::-1],
        ])
        self.fc = nn.Linear(4, len(bag))

    def forward(self, x):
        return self.fc(x), self.values
