#!/usr/bin/python3
"""Writes the hostile checkpoints ckpt-*.pt and ckpt-*.safetensors that the ckpt-*.case files feed to
`dynnc compile` for the early_exit_cnn sample.

Each file is a few hundred bytes to a few tens of KB, but declares (or inflates to) far more than the model needs;
before the checks in frontend/.../weights/Checkpoint.java each one made dynnc allocate gigabytes and die with
OutOfMemoryError. Run from the repository root with Debian's python3-torch:

    /usr/bin/python3 samples/src/test/resources/hostile/files/make_ckpt_files.py

The output is deterministic (fixed zip timestamps), so re-running it leaves the files unchanged.
"""
import io
import json
import os
import struct
import zipfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, '..', '..', '..', '..', '..', 'early_exit_cnn', 'checkpoint.pt')
STAMP = (2020, 1, 1, 0, 0, 0)


def saved(obj):
    """torch.save into memory (the zip's prefix is then 'archive')."""
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def rezip(data, path, replace=None):
    """Copies a torch.save zip, deflating every entry and replacing the bytes of entries named in `replace`."""
    replace = replace or {}
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(path, 'w') as zout:
        for info in zin.infolist():
            out = zipfile.ZipInfo(info.filename, STAMP)
            out.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(out, replace.get(info.filename, zin.read(info.filename)), compresslevel=9)


def lie_about_size(path, entry, size):
    """Rewrites the uncompressed-size field of `entry` in both its local header and the central directory."""
    raw = bytearray(open(path, 'rb').read())
    # (signature, offset of the name length, offset of the name, offset of the uncompressed size)
    for sig, name_len_at, name_at, size_at in ((b'PK\x03\x04', 26, 30, 22), (b'PK\x01\x02', 28, 46, 24)):
        at = raw.find(sig)
        while at >= 0:
            n = struct.unpack_from('<H', raw, at + name_len_at)[0]
            if raw[at + name_at:at + name_at + n] == entry.encode():
                struct.pack_into('<I', raw, at + size_at, size)
            at = raw.find(sig, at + 4)
    open(path, 'wb').write(bytes(raw))


def main():
    model = torch.load(SAMPLE)
    keys = list(model)

    # Every key of the model, each a stride-0 view of 500M elements over a single one-element storage: 2 GB per
    # tensor once copied out, from a file of a few KB. Refused because the shapes differ from the model's, before
    # anything is read.
    one = torch.zeros(1)
    rezip(saved({k: one.expand(500_000_000) for k in keys}), os.path.join(HERE, 'ckpt-stride0.pt'))

    # The model's keys and shapes, but every float tensor is a view into one 100 MB storage (deflated to ~100 KB).
    # Names and shapes match, so the storage itself must be refused: it is far above what the model needs.
    big = torch.zeros(25_000_000)
    views = {}
    for i, (k, v) in enumerate(model.items()):
        if v.dtype == torch.float32:
            views[k] = big[i * 1_000_000:i * 1_000_000 + v.numel()].view(v.shape)
        else:
            views[k] = v
    rezip(saved(views), os.path.join(HERE, 'ckpt-views.pt'))

    # The model's keys and shapes (zeros, so that the file stays small), but the storage of the first tensor
    # inflates to 16 MiB. The zip directory tells the truth in ckpt-bomb.pt and claims the right 1728 bytes in
    # ckpt-bomb-lying.pt.
    data = saved({k: torch.zeros_like(v) for k, v in model.items()})
    bomb = {'archive/data/0': bytes(16 << 20)}
    rezip(data, os.path.join(HERE, 'ckpt-bomb.pt'), bomb)
    rezip(data, os.path.join(HERE, 'ckpt-bomb-lying.pt'), bomb)
    lie_about_size(os.path.join(HERE, 'ckpt-bomb-lying.pt'), 'archive/data/0', model[keys[0]].numel() * 4)

    # safetensors whose two entries share one byte range (the attack repeats one 40 MiB range many times; two
    # 64-byte entries are enough to be refused).
    shared = {'dtype': 'F32', 'shape': [16], 'data_offsets': [0, 64]}
    header = json.dumps({'blocks.0.body.1.weight': shared, 'blocks.0.body.1.bias': shared}).encode()
    header += b' ' * (-len(header) % 8)
    with open(os.path.join(HERE, 'ckpt-overlap.safetensors'), 'wb') as f:
        f.write(struct.pack('<Q', len(header)) + header + bytes(64))


if __name__ == '__main__':
    main()
