#!/usr/bin/python3
"""Writes the source files that the src-*.case files compile with --source-root pointing here.

    /usr/bin/python3 samples/src/test/resources/hostile/files/make_src_files.py

src_latin1.py   a model saved in Latin-1 without a coding declaration (a comment holds 0xe9, 'e' with an accent);
src_longline.py a model whose construction code has one 10 KB line with an undefined name in its middle;
src_empty.safetensors  no tensors at all: the weights of a model without parameters;
src_linked.py   (a symbolic link made with `ln -s ../../../../../early_exit_cnn/reference.py src_linked.py`) a
                module that resolves outside the source root.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = 'import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def forward(self, x):\n        return x + 1\n\n\n'

with open(os.path.join(HERE, 'src_latin1.py'), 'wb') as f:
    f.write(('# caf\xe9 au lait\n' + MODEL + 'def build():\n    return Net()\n').encode('latin-1'))

with open(os.path.join(HERE, 'src_longline.py'), 'w') as f:
    f.write(MODEL + 'def build():\n    sizes = [' + '1, ' * 1650 + 'undefined_size' + ', 2' * 1650 + ']\n'
            + '    return Net()\n')

with open(os.path.join(HERE, 'src_empty.safetensors'), 'wb') as f:
    f.write((8).to_bytes(8, 'little') + b'{}      ')
