"""A model whose result keys are hostile text: quotes, backslashes, comment ends, newlines, NUL,
non-ASCII, and Java and Python code that must never run. Used by InjectionTest and inject-*.case."""
import torch
import torch.nn as nn

KEYS = ['say "hi"', 'C:\\temp\\new', 'C:\temp\new', '*/ /* end', '-->', 'line1\nline2\r\n', 'nul\x00byte',
        'ключ', 'emoji \U0001F511 \N{SNOWMAN}', '\\u0022', '', 'lone \ud800 surrogate',
        '" + String.valueOf(Runtime.getRuntime().exec("touch /tmp/dynnc-pwned-inject")) + "',
        "'); __import__('os').system('touch /tmp/dynnc-pwned-inject') #",
        '"""; import os; os.system("touch /tmp/dynnc-pwned-inject"); """']


class InjectModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
        y = self.fc(x)
        if y.sum() > 0:
            out = {}
            for i, k in enumerate(KEYS):
                out[k] = y * i
            return out
        return [y, ({'}"; //': y + 1, 'x\\': None}, y.sum())]
