#!/usr/bin/python3
"""Writes the hostile .npy inputs (npy-*.npy), bundles (bundle-*.zip) and the pickle-smuggling checkpoint
(ckpt-exec.pt) that the npy-*, bundle-* and ckpt-exec cases feed to `dynnc run` and `dynnc compile`.

Needs only the Python standard library. Run from anywhere; the output is deterministic (fixed zip
timestamps), so re-running it leaves the files unchanged:

    /usr/bin/python3 samples/src/test/resources/hostile/files/make_misc_files.py
"""
import json
import os
import struct
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
STAMP = (2020, 1, 1, 0, 0, 0)


def npy(header, payload=b''):
    """An .npy v1.0 file with the given header dict text (padded as numpy pads it) and payload."""
    text = header.encode('latin-1')
    pad = 64 - (10 + len(text) + 1) % 64
    text += b' ' * (pad % 64) + b'\n'
    return b'\x93NUMPY\x01\x00' + struct.pack('<H', len(text)) + text + payload


def write(name, data):
    with open(os.path.join(HERE, name), 'wb') as f:
        f.write(data)


def zipped(name, entries):
    with zipfile.ZipFile(os.path.join(HERE, name), 'w', zipfile.ZIP_DEFLATED) as z:
        for entry, data in entries:
            info = zipfile.ZipInfo(entry, STAMP)
            z.writestr(info, data)


# An object array: loading it would mean unpickling, which a tensor reader must never do.
write('npy-object.npy', npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", b'\x80\x04N.'))
# A header that declares a billion floats over 16 bytes of data.
write('npy-lying.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000,), }", b'\0' * 16))
# Just the magic: a truncated file.
write('npy-truncated.npy', b'\x93NUMPY\x01\x00')
# A well-formed input of the wrong shape for the sample (it takes float32[1,3,32,32]).
write('npy-wrong-shape.npy', npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 8, 8), }",
                                 b'\0' * (4 * 3 * 8 * 8)))

# A zip whose entry climbs out of the extraction directory (zip-slip).
zipped('bundle-zipslip.zip', [('manifest.json', b'{}'), ('../../dynnc-zipslip-escaped', b'pwned')])
# A manifest that names a file outside the bundle.
manifest = {'format': 'dynnc-bundle', 'formatVersion': 2, 'target': 'llvm', 'device': 'cpu', 'entry': 'forward',
            'hostClass': 'dynnc.generated.Host', 'inputs': [], 'outputs': [], 'subgraphs': [],
            'files': {'../../etc/passwd': '0' * 64, 'host/classes/dynnc/generated/Host.class': '0' * 64}}
zipped('bundle-escape.zip', [('manifest.json', json.dumps(manifest).encode())])
# A zip with no manifest at all.
zipped('bundle-empty.zip', [('readme.txt', b'not a bundle')])

# A torch.save-style zip whose pickle calls os.system: the restricted unpickler must refuse it unrun.
marker = '/tmp/dynnc-hostile-ckpt-exec-ran'
pickle = (b'\x80\x02' + b'cposix\nsystem\n' + b'X' + struct.pack('<I', len('touch ' + marker))
          + ('touch ' + marker).encode() + b'\x85R.')
zipped('ckpt-exec.pt', [('archive/data.pkl', pickle), ('archive/version', b'3\n')])
