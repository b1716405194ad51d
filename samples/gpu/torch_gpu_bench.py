"""Eager PyTorch on the GPU, for the device check's comparison with dynnc's CUDA bundles: every
sample of samples.txt at batch 1 on its sample inputs, timed per input (CUDA synchronised around
each call), as `dynnc bench` times a bundle. Prints one row per sample: the median over inputs of
each input's median latency.

Usage: python3 torch_gpu_bench.py [--warmup N] [--iterations N]
"""
import argparse
import glob
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES_DIR = os.path.dirname(HERE)
sys.path.insert(0, SAMPLES_DIR)
sys.path.insert(0, os.path.join(SAMPLES_DIR, 'bench'))


def main():
    import numpy as np
    import torch
    import suite
    from corpus_common import load_entry

    p = argparse.ArgumentParser()
    p.add_argument('--warmup', type=int, default=50)
    p.add_argument('--iterations', type=int, default=300)
    a = p.parse_args()
    if not torch.cuda.is_available():
        print('torch %s sees no CUDA device: no eager GPU timings' % torch.__version__)
        return
    dev = torch.device('cuda')
    # Some samples make tensors in forward without a device (torch.zeros(...) for a recurrent
    # state), as CPU-only research code does: on the GPU they must be made there.
    torch.set_default_device(dev)
    print('torch %s on %s' % (torch.__version__, torch.cuda.get_device_name(0)))
    print('| sample | eager PyTorch on the GPU, median us |')
    print('| --- | --- |')
    names = [line.split()[0] for line in open(os.path.join(HERE, 'samples.txt')) if line.strip()]
    for sample in suite.SAMPLES:
        if sample['name'] not in names:
            continue
        for m in [m for m in sys.modules if m == 'models' or m.startswith('models.')]:
            del sys.modules[m]
        d = os.path.join(SAMPLES_DIR, sample['name'])
        sys.path.insert(0, d)
        try:
            model = load_entry(d, sample['entry'])
            model.load_state_dict(torch.load(os.path.join(d, 'checkpoint.pt'), map_location='cpu'))
            model.eval().to(dev)
            method = getattr(model, sample['method'])
            medians = []
            with torch.no_grad():
                for f in sorted(glob.glob(os.path.join(d, 'inputs', '*.npy'))):
                    x = torch.from_numpy(np.load(f)).to(dev)
                    for _ in range(a.warmup):
                        method(x)
                    torch.cuda.synchronize()
                    times = []
                    for _ in range(a.iterations):
                        t = time.perf_counter()
                        method(x)
                        torch.cuda.synchronize()
                        times.append((time.perf_counter() - t) * 1e6)
                    medians.append(statistics.median(times))
            print('| %s | %.1f |' % (sample['name'], statistics.median(medians)))
        except Exception as e:  # one sample failing must not hide the others' numbers
            print('| %s | failed: %s |' % (sample['name'], str(e).splitlines()[0][:120]))
        finally:
            sys.path.remove(d)


if __name__ == '__main__':
    main()
