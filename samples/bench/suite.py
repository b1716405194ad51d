#!/usr/bin/python3
"""Benchmark suite: dynnc against eager PyTorch, TorchScript and frozen TorchScript on every sample.

Usage (run with Debian's /usr/bin/python3, which has torch; bin/bench-suite wraps it):
    suite.py [--samples a,b] [--warmup N] [--iterations N] [--threads N] [--out-dir DIR] [--no-oracle]
    suite.py --self-test

For every sample that `dynnc check` accepts it compiles the bundle twice with one fresh cache
directory (cold, then warm), times `dynnc bench` on the sample's inputs/*.npy (one row per input),
takes the peak RSS of a `dynnc run` of the first input (wait4), times the same inputs in PyTorch (eager, torch.jit.script,
frozen + optimize_for_inference; in a worker process per sample, since every sample has its own
`models` package), and for samples with a static-path oracle compiles one single-graph bundle per
path and times it. Samples that dynnc does not compile yet are listed with the reason and skipped.
It prints a markdown table, writes DIR/results.json (every raw number) and DIR/latency.svg
(matplotlib; skipped with the reason when it is missing).
"""
import argparse
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES_DIR = os.path.dirname(HERE)
ROOT = os.path.dirname(SAMPLES_DIR)
DYNNC = os.path.join(ROOT, 'bin', 'dynnc')
INPUT_TYPE = 'float32[1,3,32,32]'
OPENBLAS_DIR = '/usr/lib/x86_64-linux-gnu/openblas-pthread'

# Every sample: where its source lives, the entry dynnc and PyTorch both build, the method, the input
# name and (when not an image batch of one) its type.
SAMPLES = [
    {'name': 'early_exit_cnn', 'entry': 'models.sdn:build_model(num_classes=10)', 'method': 'forward',
     'input': 'x'},
    {'name': 'skipnet_ff', 'entry': 'models.skipnet:build_model()', 'method': 'forward', 'input': 'x'},
    {'name': 'skipnet_rnn', 'entry': 'models.skipnet_rnn:build_model()', 'method': 'forward', 'input': 'x'},
    {'name': 'blockdrop', 'entry': 'models.blockdrop:build_model()', 'method': 'forward', 'input': 'inputs'},
    {'name': 'msdnet', 'entry': 'models.msdnet:build_model()', 'method': 'forward', 'input': 'x'},
    {'name': 'moe_top1', 'entry': 'models.moe:build_model()', 'method': 'forward', 'input': 'x'},
    {'name': 'sdn', 'entry': 'models.sdn_vgg:create_vgg_sdn()', 'method': 'predict_early', 'input': 'x'},
    {'name': 'act_rnn', 'entry': 'models.act:build_model()', 'method': 'forward', 'input': 'x',
     'type': 'float32[1,8]'},
    {'name': 'deebert', 'entry': 'models.deebert:build_model()', 'method': 'forward', 'input': 'input_ids',
     'type': 'int64[1,16]'},
    {'name': 'caption_decoder', 'entry': 'models.caption:build_model()', 'method': 'forward', 'input': 'images'},
]

ENGINES = ['dynnc', 'eager', 'script', 'frozen']

# ---------------------------------------------------------------------------------------------
# Parsing dynnc's output (covered by --self-test)

STAGE_LINE = re.compile(r'^dynnc: (\S+)\s*(.*?)\s+([0-9.]+) s$')
CACHE_LINE = re.compile(r'^dynnc: (\d+) subgraph\(s\), (\d+) from the compile cache, (\d+) compiled by TVM$')


def parse_bench(text):
    """Rows of `dynnc bench` output: [{'input', 'median_us', 'p10_us', 'p90_us', 'host_pct', 'blocks', 'trace'}],
    and with --against, 'against': [{'median_us', 'p10_us', 'p90_us', 'ratio'}] per other bundle."""
    lines = [l for l in text.splitlines() if l.strip()]
    if not lines or not lines[0].split()[:2] == ['inputs', 'median_us']:
        raise ValueError('not dynnc bench output (no header): %r' % text[:200])
    others = sum(1 for c in lines[0].split() if re.fullmatch(r'ratio\d+', c))
    row = re.compile(r'^(\S+)' + r'\s+([0-9.]+)' * (4 + 4 * others) + r'\s+([0-9]+(?:,[0-9]+)*|native)\s+(.*)$')
    rows = []
    for line in lines[1:]:
        m = row.match(line)
        if not m:
            raise ValueError('unreadable dynnc bench row: %r' % line)
        g = m.groups()
        num = [float(x) for x in g[1:5 + 4 * others]]
        r = {'input': g[0], 'median_us': num[0], 'p10_us': num[1], 'p90_us': num[2], 'host_pct': num[3],
             'blocks': g[-2], 'trace': g[-1].strip()}
        if others:
            r['against'] = [dict(zip(('median_us', 'p10_us', 'p90_us', 'ratio'), num[4 + 4 * k:8 + 4 * k]))
                            for k in range(others)]
        rows.append(r)
    return rows


def parse_compile_log(text):
    """Per-stage seconds (summed over repeated stages such as one per subgraph) and the cache summary."""
    stages, cache = {}, None
    for line in text.splitlines():
        m = CACHE_LINE.match(line)
        if m:
            cache = {'subgraphs': int(m.group(1)), 'cache_hits': int(m.group(2)), 'compiled': int(m.group(3))}
            continue
        m = STAGE_LINE.match(line)
        if m:
            stages[m.group(1)] = round(stages.get(m.group(1), 0.0) + float(m.group(3)), 3)
    return {'stages_s': stages, 'cache': cache}


# ---------------------------------------------------------------------------------------------
# Tables and chart


def _fmt_lat(d):
    return '%.0f / %.0f' % (d['median_us'], d['p90_us']) if d else '-'


def _ratio(a, b):
    return a / b if a and b else None


def geomean(xs):
    xs = [x for x in xs if x]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def _fmt_x(x, digits=2):
    return ('%.' + str(digits) + 'f') % x if x is not None else '-'


def render_table(results):
    """Markdown: one latency row per sample and input, one summary row per sample, then the skipped."""
    out = ['| sample | input | subgraphs called | dynnc µs med / p90 | host % | eager | script | frozen | x eager '
           '| x script | x frozen | oracle µs | oracle ratio | decision oracle µs | decision ratio |',
           '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|']
    ran = [s for s in results['samples'] if s['status'] == 'ok']
    for s in ran:
        for r in s['rows']:
            d = r['dynnc']['median_us']
            out.append('| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
                s['name'], r['input'], r['path'], _fmt_lat(r['dynnc']), _fmt_x(r.get('host_pct'), 0),
                _fmt_lat(r.get('eager')),
                _fmt_lat(r.get('script')), _fmt_lat(r.get('frozen')),
                _fmt_x(_ratio((r.get('eager') or {}).get('median_us'), d)),
                _fmt_x(_ratio((r.get('script') or {}).get('median_us'), d)),
                _fmt_x(_ratio((r.get('frozen') or {}).get('median_us'), d)),
                _fmt_lat(r.get('oracle')), _fmt_x(oracle_ratio(r)), _fmt_lat(r.get('decision_oracle')),
                _fmt_x(oracle_ratio(r, 'decision_oracle'))))
    out += ['', '| sample | geomean x eager | x script | x frozen | oracle ratio median (max) '
            '| decision ratio median (max) | cold compile s '
            '| warm compile s | subgraphs (warm hits) | bundle KiB | tensors KiB | bundle / tensors '
            '| zipped / tensors | run peak RSS MiB | TorchScript |',
            '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|']
    for s in ran:
        speed = {e: geomean([_ratio((r.get(e) or {}).get('median_us'), r['dynnc']['median_us'])
                             for r in s['rows']]) for e in ('eager', 'script', 'frozen')}
        cold, warm = s['compile']['cold'], s['compile']['warm']
        cache = warm.get('cache') or {}
        def med_max(which):
            xs = [x for x in (oracle_ratio(r, which) for r in s['rows']) if x]
            return '%s (%s)' % (_fmt_x(_median(xs)), _fmt_x(max(xs))) if xs else '-'
        # Runs saved before run_peak_rss_kb have the bench process's peak only.
        rss = ('%.0f' % (s['run_peak_rss_kb'] / 1024) if 'run_peak_rss_kb' in s
               else '%.0f (bench)' % (s['bench_peak_rss_kb'] / 1024))
        # Runs saved before bundle_zip_bytes have the directory's size only.
        zipped = ('%.2f' % (s['bundle_zip_bytes'] / s['checkpoint_tensor_bytes'])
                  if 'bundle_zip_bytes' in s else '-')
        out.append('| %s | %s | %s | %s | %s | %s | %.1f | %.1f | %s | %.0f | %.0f | %.2f | %s | %s | %s |' % (
            s['name'], _fmt_x(speed['eager']), _fmt_x(speed['script']), _fmt_x(speed['frozen']),
            med_max('oracle'), med_max('decision_oracle'), cold['wall_s'], warm['wall_s'],
            '%s (%s)' % (cache.get('subgraphs', '?'), cache.get('cache_hits', '?')),
            s['bundle_bytes'] / 1024, s['checkpoint_tensor_bytes'] / 1024,
            s['bundle_bytes'] / s['checkpoint_tensor_bytes'], zipped, rss, torchscript_note(s)))
    failed = {s['name']: r['oracle_error'] for s in ran for r in s['rows'] if r.get('oracle_error')}
    ran_all = [s for s in ran if s['rows']]
    if ran_all:
        speed = [geomean([_ratio((r.get('eager') or {}).get('median_us'), r['dynnc']['median_us'])
                          for r in s['rows']]) for s in ran_all]
        out += ['', 'Geometric mean over the samples of the speed-up over eager PyTorch: %s' % _fmt_x(geomean(speed))]
    if failed:
        out += [''] + ['Oracle of `%s` not measured: %s' % kv for kv in sorted(failed.items())]
    broken = [s for s in results['samples'] if s['status'] == 'failed']
    if broken:
        out += ['', 'Failed while being measured:', '']
        out += ['- `%s`: %s' % (s['name'], s['reason']) for s in broken]
    skipped = [s for s in results['samples'] if s['status'] == 'skipped']
    if skipped:
        out += ['', 'Skipped (dynnc does not compile them yet; picked up automatically once it does):', '']
        out += ['- `%s`: %s' % (s['name'], s['reason']) for s in skipped]
    return '\n'.join(out)


def oracle_ratio(r, which='oracle'):
    """dynnc's median over the oracle's (or the decision oracle's), timed interleaved in one process;
    runs saved before `bench --against` have the medians of two processes run one after the other."""
    o = r.get(which) or {}
    if o.get('ratio'):
        return o['ratio']
    return _ratio(o.get('dynnc_side_by_side_us') or r['dynnc']['median_us'], o.get('median_us'))


def _median(xs):
    xs = sorted(x for x in xs if x)
    return (xs[(len(xs) - 1) // 2] + xs[len(xs) // 2]) / 2 if xs else None


def torchscript_note(s):
    """'scripts', or why not (first sentence: TorchScript's messages run on for lines)."""
    if s.get('script_error'):
        return 'does not script: ' + s['script_error'].split('. ')[0]
    if s.get('frozen_error'):
        return 'scripts; does not freeze: ' + s['frozen_error'].split('. ')[0]
    return 'scripts'


def draw_chart(results, path):
    """Median latency per input and engine, one panel per sample; returns None or why it was skipped."""
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError as e:
        return 'matplotlib is not installed for %s (%s); apt-get install python3-matplotlib' % (
            sys.executable, e)
    ran = [s for s in results['samples'] if s['status'] == 'ok']
    if not ran:
        return 'no sample compiled'
    engines = ENGINES + ['oracle', 'decision_oracle']
    fig, axes = plt.subplots(len(ran), 1, figsize=(10, 3.2 * len(ran)), squeeze=False)
    for ax, s in zip(axes[:, 0], ran):
        n, width = len(s['rows']), 0.8 / len(engines)
        for k, e in enumerate(engines):
            ys = [(r.get(e) or {}).get('median_us') or 0 for r in s['rows']]
            if any(ys):
                ax.bar([i + (k - len(engines) / 2 + 0.5) * width for i in range(n)], ys, width, label=e)
        ax.set_xticks(range(n))
        ax.set_xticklabels(['%s\n%s' % (r['input'], r['path']) for r in s['rows']], fontsize=7)
        ax.set_yscale('log')
        ax.set_ylabel('median µs (log)')
        ax.set_title('%s, batch 1, %d threads' % (s['name'], results['settings']['threads']))
        ax.legend(fontsize=7, ncol=len(engines))
    fig.tight_layout()
    fig.savefig(path)
    return None


# ---------------------------------------------------------------------------------------------
# Measuring


def run_measured(cmd, env=None):
    """Runs cmd; returns (exit code, stdout, stderr, wall seconds, peak RSS in KiB of it and its children)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - t0
        out.seek(0)
        err.seek(0)
        return p.returncode, out.read().decode(), err.read().decode(), wall, usage.ru_maxrss


def first_error(text):
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    for l in lines:
        if 'error' in l.lower():
            return l
    return lines[0] if lines else '(no message)'


def model_args(source_root, entry, method, input_name, checkpoint, input_type=INPUT_TYPE):
    return ['--source-root', source_root, '--entry', entry, '--method', method,
            '--input', '%s=%s' % (input_name, input_type), '--weights', checkpoint]


def compile_bundle(args, bundle, cache_dir, env=None):
    rc, _, err, wall, rss = run_measured([DYNNC, 'compile', '-v', '--cache-dir', cache_dir] + args + ['-o', bundle],
                                         env)
    if rc != 0:
        raise RuntimeError('dynnc compile failed: ' + first_error(err))
    d = parse_compile_log(err)
    d.update({'wall_s': round(wall, 3), 'peak_rss_kb': rss})
    return d


def dir_bytes(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


# The files of a bundle's root that its manifest does not list (BundleSignature.UNLISTED).
UNLISTED = ('manifest.json', 'manifest.sig')


def zip_bytes(path):
    """The size of the bundle zipped as the Maven plugin ships it (deflated, level 9): the
    manifest, its signature and the files the manifest lists to run the bundle (its 'files'), not
    the inspection files (its 'inspection')."""
    with open(os.path.join(path, 'manifest.json'), encoding='utf-8') as fh:
        ships = set(json.load(fh)['files']) | set(UNLISTED)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for d, _, fs in sorted(os.walk(path)):
            for f in sorted(fs):
                full = os.path.join(d, f)
                rel = os.path.relpath(full, path).replace(os.sep, '/')
                if rel in ships:
                    z.write(full, rel)
    return len(buf.getvalue())


def bench_bundle(bundle, input_name, files, a, env, against=()):
    cmd = [DYNNC, 'bench', bundle, '--warmup', str(a.warmup), '--iterations', str(a.iterations)]
    for o in against:
        cmd += ['--against', o]
    for f in files:
        cmd += ['--input', '%s=%s' % (input_name, f)]
    rc, out, err, _, rss = run_measured(cmd, env)
    if rc != 0:
        raise RuntimeError('dynnc bench failed: ' + first_error(err))
    return parse_bench(out), rss


def torch_worker(spec):
    """Times one sample in PyTorch (eager, script, frozen); prints JSON. Runs in its own process."""
    import numpy as np
    import torch
    sys.path.insert(0, SAMPLES_DIR)
    from corpus_common import flatten_outputs, load_entry

    torch.set_num_threads(spec['threads'])
    model = load_entry(spec['source_root'], spec['entry'])
    state = torch.load(spec['checkpoint'], map_location='cpu')
    model.load_state_dict(state)
    model.eval()
    result = {'torch': torch.__version__, 'blas': loaded_blas(), 'checkpoint_tensor_bytes': sum(
        t.numel() * t.element_size() for t in state.values() if torch.is_tensor(t)), 'engines': {}}
    xs = [torch.from_numpy(np.load(f)) for f in spec['files']]
    methods = {'eager': getattr(model, spec['method'])}
    try:
        scripted = torch.jit.script(model)
        methods['script'] = getattr(scripted, spec['method'])
        try:
            keep = [] if spec['method'] == 'forward' else [spec['method']]
            frozen = torch.jit.optimize_for_inference(torch.jit.freeze(scripted, preserved_attrs=keep), keep)
            methods['frozen'] = getattr(frozen, spec['method'])
        except Exception as e:  # noqa: BLE001 (any failure is the reason reported)
            result['frozen_error'] = first_line(e)
    except Exception as e:  # noqa: BLE001
        result['script_error'] = first_line(e)
    with torch.no_grad():
        for name, fn in methods.items():
            rows = []
            for x in xs:
                for _ in range(spec['warmup']):
                    fn(x)
                ts = []
                for _ in range(spec['iterations']):
                    t0 = time.perf_counter_ns()
                    fn(x)
                    ts.append(time.perf_counter_ns() - t0)
                rows.append(percentiles(ts))
            result['engines'][name] = rows
        paths = []
        for x in xs:
            leaves = flatten_outputs(methods['eager'](x))
            paths.append([int(l) for l in leaves if np.asarray(l).ndim == 0 and
                          np.issubdtype(np.asarray(l).dtype, np.integer)])
        result['int_outputs'] = paths
    # To a file, not stdout: a model may print while it is built or run (msdnet does).
    with open(spec['result_file'], 'w') as f:
        json.dump(result, f)


def loaded_blas():
    """The file behind libblas.so.3 in this process (which BLAS PyTorch's Linear and matmul call)."""
    with open('/proc/self/maps') as f:
        for line in f:
            if 'libblas.so' in line or 'libopenblas' in line:
                return os.path.realpath(line.split()[-1])
    return None


def first_line(e):
    lines = [l.strip() for l in str(e).splitlines() if l.strip()]
    return '%s: %s' % (type(e).__name__, lines[0] if lines else '')


def percentiles(ns):
    ns = sorted(ns)
    n = len(ns)
    return {'median_us': ns[n // 2] / 1e3, 'p10_us': ns[n // 10] / 1e3, 'p90_us': ns[n * 9 // 10] / 1e3}


def measure_torch(sample, source_root, checkpoint, files, a, work):
    spec = {'source_root': source_root, 'entry': sample['entry'], 'method': sample['method'],
            'checkpoint': checkpoint, 'files': files, 'threads': a.threads, 'warmup': a.warmup,
            'iterations': a.iterations, 'result_file': os.path.join(work, 'torch-result.json')}
    env = dict(os.environ)
    if a.torch_blas == 'openblas':
        # Debian's torch calls the system libblas.so.3 (for Linear, matmul); the reference BLAS that
        # the test fixtures need is slow, so PyTorch is timed with OpenBLAS, its best BLAS here.
        env['LD_LIBRARY_PATH'] = OPENBLAS_DIR + os.pathsep + env.get('LD_LIBRARY_PATH', '')
    p = subprocess.run([sys.executable, os.path.abspath(__file__), '--torch-worker', json.dumps(spec)],
                       capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise RuntimeError('PyTorch worker failed: ' + (p.stderr.strip().splitlines() or ['?'])[-1])
    with open(spec['result_file']) as f:
        return json.load(f)


def measure_oracle(sample, args, bundle, rows, files, work, a, env, also=()):
    """Per block path the inputs take, two single-graph bundles: the path alone (`dynnc compile
    --specialize-path`, the oracle) and the path with the conditions of its branches
    (`--keep-decisions`, the decision oracle). Both are timed interleaved with the dynamic bundle in one
    process (`dynnc bench --against`) on the inputs that take the path, so load that comes and goes
    on the machine does not skew the ratios. The compiles run two at a time. Returns {input label:
    {'oracle': row, 'decision_oracle': row} or {'error': why}}."""
    import concurrent.futures
    by_path = {}
    for f, r in zip(files, rows):
        by_path.setdefault(r['blocks'], []).append(f)
    paths = sorted(by_path, key=lambda p: (len(p), p))
    out = {}
    for path in paths[a.oracle_max_paths:]:
        for f in by_path[path]:
            out[os.path.basename(f)] = {'error': 'not measured: more than %d distinct paths (--oracle-max-paths)'
                                        % a.oracle_max_paths}
    paths = paths[:a.oracle_max_paths]
    one_worker = dict(os.environ, DYNNC_COMPILE_WORKERS='1')

    def build(k, decisions):
        name = '%s-%d' % ('decisions' if decisions else 'oracle', k)
        b = os.path.join(work, name + '.bundle')
        extra = ['--specialize-path', paths[k]] + (['--keep-decisions'] if decisions else [])
        return b, compile_bundle(args + extra, b, os.path.join(work, name + '-cache'), one_worker)

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        built = {(k, d): pool.submit(build, k, d) for k in range(len(paths)) for d in (False, True)}
        concurrent.futures.wait(built.values())  # every compile done before anything is timed
    for k, path in enumerate(paths):
        chosen = by_path[path]
        try:
            obundle, c = built[(k, False)].result()
            dbundle, dc = built[(k, True)].result()
            side, _ = bench_bundle(bundle, sample['input'], chosen, a, env, against=(obundle, dbundle) + tuple(also))
        except RuntimeError as e:
            for f in chosen:
                out[os.path.basename(f)] = {'error': str(e)}
            continue
        for r in side:
            o, d = r['against'][:2]
            o.update({'oracle_subgraphs': (c.get('cache') or {}).get('subgraphs'), 'oracle_compile_s': c['wall_s'],
                      'dynnc_side_by_side_us': r['median_us']})
            d.update({'oracle_subgraphs': (dc.get('cache') or {}).get('subgraphs'), 'oracle_compile_s': dc['wall_s'],
                      'dynnc_side_by_side_us': r['median_us']})
            out[r['input']] = {'oracle': o, 'decision_oracle': d}
            if also:  # the Java host program's bundle, timed in the same blocks as the default one
                out[r['input']]['java_host'] = r['against'][2]
        shutil.rmtree(obundle, ignore_errors=True)
        shutil.rmtree(dbundle, ignore_errors=True)
    return out


def measure_sample(sample, a, work, env):
    name = sample['name']
    source_root = os.path.join(SAMPLES_DIR, name)
    checkpoint = os.path.join(source_root, 'checkpoint.pt')
    files = sorted(os.path.join(source_root, 'inputs', f) for f in os.listdir(os.path.join(source_root, 'inputs'))
                   if f.endswith('.npy'))
    args = model_args(source_root, sample['entry'], sample['method'], sample['input'], checkpoint,
                      sample.get('type', INPUT_TYPE))
    rc, out, err, _, _ = run_measured([DYNNC, 'check'] + args)
    if rc != 0:
        return {'name': name, 'status': 'skipped', 'reason': 'dynnc check: ' + first_error(err + out)}
    work = os.path.join(work, name)
    os.makedirs(work)
    bundle, cache = os.path.join(work, name + '.bundle'), os.path.join(work, 'cache')
    cold = compile_bundle(args + ['--java-host'], bundle, cache)
    shutil.rmtree(bundle)
    warm = compile_bundle(args + ['--java-host'], bundle, cache)
    brows, rss = bench_bundle(bundle, sample['input'], files, a, env)
    native, jvm_bundle = False, None
    if not a.java_host:
        # The bundle timed is the one a default compile gives (--native-host: required); the block
        # paths (and so the oracles) come from the Java host program's bundle, whose blocks are
        # the model's.
        paths = brows
        nbundle = os.path.join(work, name + '.native.bundle')
        flags = ['--native-host'] if a.native_host else []
        cold = compile_bundle(args + flags, nbundle, cache)
        shutil.rmtree(nbundle)
        warm = compile_bundle(args + flags, nbundle, cache)
        with open(os.path.join(nbundle, 'manifest.json')) as f:
            native = [sg['name'] for sg in json.load(f)['subgraphs']] == ['native']
        jvm_bundle, bundle = bundle, nbundle
        brows, rss = bench_bundle(bundle, sample['input'], files, a, env)
        for r, p in zip(brows, paths):
            r['blocks'], r['trace'] = p['blocks'], p['trace']
    # Memory to load and run the model once, JVM included; the bench's own JVM pre-touches a fixed
    # heap (bin/dynnc), so its peak says little about the model.
    rc, _, err, _, run_rss = run_measured([DYNNC, 'run', bundle, '--input', '%s=%s' % (sample['input'], files[0]),
                                           '--output-dir', os.path.join(work, 'run-outputs')], env)
    if rc != 0:
        raise RuntimeError('dynnc run failed: ' + first_error(err))
    t = measure_torch(sample, source_root, checkpoint, files, a, work)
    also = (jvm_bundle,) if jvm_bundle else ()
    oracle = {} if a.no_oracle else measure_oracle(sample, args, bundle, brows, files, work, a, env, also)
    rows = []
    for i, r in enumerate(brows):
        row = {'input': r['input'], 'path': r['trace'], 'blocks': r['blocks'], 'host_pct': r['host_pct'],
               'int_outputs': t['int_outputs'][i], 'dynnc': {k: r[k] for k in ('median_us', 'p10_us', 'p90_us')}}
        for e, lat in t['engines'].items():
            row[e] = lat[i]
        o = oracle.get(r['input'])
        if o and 'error' in o:
            row['oracle_error'] = o['error']
        elif o:
            row['oracle'] = o['oracle']
            row['decision_oracle'] = o['decision_oracle']
            if 'java_host' in o:
                row['java_host'] = o['java_host']
        rows.append(row)
    return {'name': name, 'status': 'ok', 'compile': {'cold': cold, 'warm': warm}, 'native_host': native,
            'bundle_bytes': dir_bytes(bundle), 'bundle_zip_bytes': zip_bytes(bundle),
            'checkpoint_tensor_bytes': t['checkpoint_tensor_bytes'],
            'bench_peak_rss_kb': rss, 'run_peak_rss_kb': run_rss, 'torch': t['torch'], 'torch_blas': t.get('blas'),
            'script_error': t.get('script_error'), 'frozen_error': t.get('frozen_error'), 'rows': rows}


def run_suite(a):
    if not os.access(DYNNC, os.X_OK):
        sys.exit('suite.py: error: %s not found' % DYNNC)
    names = a.samples.split(',') if a.samples else [s['name'] for s in SAMPLES]
    unknown = sorted(set(names) - {s['name'] for s in SAMPLES})
    if unknown:
        print('suite.py: error: unknown sample(s) %s' % ', '.join(unknown), file=sys.stderr)
        sys.exit(2)
    env = dict(os.environ, TVM_NUM_THREADS=str(a.threads), OMP_NUM_THREADS=str(a.threads))
    os.makedirs(a.out_dir, exist_ok=True)
    results = {'date': time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()),
               'command': ' '.join(['bin/bench-suite'] + sys.argv[1:]), 'host_cpus': os.cpu_count(),
               'settings': {'threads': a.threads, 'warmup': a.warmup, 'iterations': a.iterations,
                            'batch': 1, 'input': INPUT_TYPE, 'native_host': not a.java_host,
                            'host_program': 'java' if a.java_host else 'native' if a.native_host else 'default'}, 'samples': []}
    with tempfile.TemporaryDirectory(prefix='dynnc-bench-') as work:
        for s in SAMPLES:
            if s['name'] not in names:
                continue
            print('== %s' % s['name'], file=sys.stderr, flush=True)
            try:
                results['samples'].append(measure_sample(s, a, work, env))
            except Exception as e:  # noqa: BLE001 (one sample's failure must not lose the others)
                results['samples'].append({'name': s['name'], 'status': 'failed',
                                           'reason': '%s: %s' % (type(e).__name__, e)})
            # the samples so far, so that a run cut short keeps what it measured
            write_results(results, os.path.join(a.out_dir, 'results.partial.json'))
    write_results(results, os.path.join(a.out_dir, 'results.json'))
    if os.path.exists(os.path.join(a.out_dir, 'results.partial.json')):
        os.remove(os.path.join(a.out_dir, 'results.partial.json'))
    report(results, a.out_dir)


def write_results(results, path):
    with open(path + '.tmp', 'w') as f:
        json.dump(results, f, indent=1)
    os.replace(path + '.tmp', path)


def report(results, out_dir):
    print('%s, `%s`, %s threads, %s warm-up + %s timed runs per input\n' % (
        results['date'], results['command'], results['settings']['threads'], results['settings']['warmup'],
        results['settings']['iterations']))
    print(render_table(results))
    why = draw_chart(results, os.path.join(out_dir, 'latency.svg'))
    print('\nchart: ' + ('skipped: ' + why if why else os.path.join(out_dir, 'latency.svg')))
    print('raw numbers: ' + os.path.join(out_dir, 'results.json'))


# ---------------------------------------------------------------------------------------------
# Self-test: the parsers and the table on canned output (no dynnc, no torch; < 1 s)

CANNED_BENCH = """inputs                    median_us     p10_us     p90_us  host_%  blocks           subgraph calls
x0.npy                         41.3       39.0       78.2    12.5  0,1              [0, 1]
x6.npy                        101.5       95.1      140.0     7.0  0,2,2,2,4        [0, 2, 2, 2, 4]
"""
CANNED_AGAINST = """inputs                    median_us     p10_us     p90_us  host_%  against1_median_us  against1_p10_us  against1_p90_us  ratio1  against2_median_us  against2_p10_us  against2_p90_us  ratio2  blocks           subgraph calls
x0.npy                         83.0       74.0      107.5    18.1                63.7             56.9             82.7   1.303                66.4             60.0             85.0   1.250  0,2,3,5           [0, 2]
"""
CANNED_COMPILE = """dynnc: parse     models/sdn.py 0.41 s
dynnc: subgraph  sg0 1.50 s
dynnc: subgraph  sg1 2.25 s
dynnc: sg1 from the compile cache
dynnc: package   0.05 s
dynnc: 2 subgraph(s), 1 from the compile cache, 1 compiled by TVM
"""


def self_test():
    rows = parse_bench(CANNED_BENCH)
    assert [r['input'] for r in rows] == ['x0.npy', 'x6.npy'], rows
    assert rows[1] == {'input': 'x6.npy', 'median_us': 101.5, 'p10_us': 95.1, 'p90_us': 140.0,
                       'host_pct': 7.0, 'blocks': '0,2,2,2,4', 'trace': '[0, 2, 2, 2, 4]'}, rows[1]
    for bad in ('', 'no header\n', CANNED_BENCH + 'x9.npy  12.0  oops\n'):
        try:
            parse_bench(bad)
            raise AssertionError('parse_bench accepted %r' % bad)
        except ValueError:
            pass
    ab = parse_bench(CANNED_AGAINST)
    assert ab == [{'input': 'x0.npy', 'median_us': 83.0, 'p10_us': 74.0, 'p90_us': 107.5, 'host_pct': 18.1,
                   'blocks': '0,2,3,5', 'trace': '[0, 2]',
                   'against': [{'median_us': 63.7, 'p10_us': 56.9, 'p90_us': 82.7, 'ratio': 1.303},
                               {'median_us': 66.4, 'p10_us': 60.0, 'p90_us': 85.0, 'ratio': 1.25}]}], ab
    try:
        parse_bench(CANNED_AGAINST.replace('   1.250', ''))
        raise AssertionError('parse_bench accepted a row without its second ratio')
    except ValueError:
        pass
    c = parse_compile_log(CANNED_COMPILE)
    assert c == {'stages_s': {'parse': 0.41, 'subgraph': 3.75, 'package': 0.05},
                 'cache': {'subgraphs': 2, 'cache_hits': 1, 'compiled': 1}}, c
    lat = lambda m: {'median_us': m, 'p10_us': m * 0.9, 'p90_us': m * 1.5}  # noqa: E731
    results = {'settings': {'threads': 2}, 'samples': [
        {'name': 'toy', 'status': 'ok', 'bundle_bytes': 2048, 'bundle_zip_bytes': 1228, 'checkpoint_tensor_bytes': 1024,
         'bench_peak_rss_kb': 700000, 'run_peak_rss_kb': 204800, 'script_error': 'RuntimeError: no',
         'compile': {'cold': dict(c, wall_s=10.0), 'warm': dict(c, wall_s=2.0)},
         'rows': [{'input': r['input'], 'path': r['trace'], 'host_pct': r['host_pct'], 'dynnc': lat(r['median_us']),
                   'eager': lat(4 * r['median_us']), 'oracle': dict(lat(r['median_us'] / 2), ratio=2.0),
                   'decision_oracle': dict(lat(r['median_us'] / 1.6), ratio=1.6)} for r in rows]},
        {'name': 'toy2', 'status': 'ok', 'bundle_bytes': 1, 'checkpoint_tensor_bytes': 1, 'bench_peak_rss_kb': 1,
         'compile': {'cold': dict(c, wall_s=1.0), 'warm': dict(c, wall_s=1.0)},
         'rows': [{'input': 'x0.npy', 'path': '[0]', 'dynnc': lat(1.0), 'oracle_error': 'dynnc compile failed: E'}]},
        {'name': 'later', 'status': 'skipped', 'reason': 'dynnc check: error[DN0101]: x'}]}
    table = render_table(results)
    assert '| toy | x0.npy | [0, 1] | 41 / 62 | 12 | 165 / 248 | - | - | 4.00 | - | - | 21 / 31 | 2.00 | 26 / 39 ' \
        '| 1.60 |' in table, table
    assert '| toy | 4.00 | - | - | 2.00 (2.00) | 1.60 (1.60) | 10.0 | 2.0 | 2 (1) | 2 | 1 | 2.00 | 1.20 | 200 ' \
        '| does not script: RuntimeError: no |' in table, table
    # A run saved before run_peak_rss_kb shows the bench process's peak, marked; one saved before
    # bundle_zip_bytes no zipped size.
    assert '| toy2 | - | - | - | - | - | 1.0 | 1.0 | 2 (1) | 0 | 0 | 1.00 | - | 0 (bench) |' in table, table
    with tempfile.TemporaryDirectory() as d:
        for sub in ('lib', 'ir'):
            os.makedirs(os.path.join(d, sub))
        with open(os.path.join(d, 'lib', 'a.bin'), 'wb') as fh:
            fh.write(bytes(4096))
        with open(os.path.join(d, 'manifest.json'), 'w') as fh:
            json.dump({'files': {'lib/a.bin': '0' * 64}, 'inspection': {'ir/f.ir': '0' * 64}}, fh)
        shipped = zip_bytes(d)
        with open(os.path.join(d, 'ir', 'f.ir'), 'wb') as fh:  # an inspection file does not ship
            fh.write(os.urandom(4096))
        assert dir_bytes(d) > 8192 and 0 < zip_bytes(d) == shipped < 1024, (dir_bytes(d), zip_bytes(d), shipped)
    # A run saved before bench --against: the ratio of the two medians, and no decision oracle.
    old = {'dynnc': lat(120.0), 'oracle': dict(lat(60.0), dynnc_side_by_side_us=90.0)}
    assert oracle_ratio(old) == 1.5 and oracle_ratio(old, 'decision_oracle') is None
    assert _median([3.0, 1.0, None, 2.0, 4.0]) == 2.5 and _median([]) is None
    assert 'Geometric mean over the samples of the speed-up over eager PyTorch: 4.00' in table, table
    assert '- `later`: dynnc check: error[DN0101]: x' in table, table
    assert 'Oracle of `toy2` not measured: dynnc compile failed: E' in table, table
    assert '| toy2 | - | - | - | - | - | 1.0 | 1.0 | 2 (1) |' in table, table
    assert abs(geomean([2.0, 8.0]) - 4.0) < 1e-9 and geomean([None]) is None
    print('suite.py self-test: ok')


def main():
    ap = argparse.ArgumentParser(description='dynnc benchmark suite (see samples/bench/README.md)')
    ap.add_argument('--samples', help='comma-separated sample names (default: all)')
    ap.add_argument('--warmup', type=int, default=200)
    ap.add_argument('--iterations', type=int, default=500)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--out-dir', default=os.path.join(ROOT, 'build', 'bench'))
    ap.add_argument('--torch-blas', choices=['openblas', 'system'],
                    default='openblas' if os.path.exists(os.path.join(OPENBLAS_DIR, 'libblas.so.3')) else 'system',
                    help='BLAS for PyTorch (default: OpenBLAS when installed)')
    ap.add_argument('--no-oracle', action='store_true', help='skip the static-path oracle bundles')
    host = ap.add_mutually_exclusive_group()
    host.add_argument('--native-host', action='store_true',
                      help='compile the timed bundles with --native-host (native code required; by default'
                           ' dynnc builds it wherever it can)')
    host.add_argument('--java-host', action='store_true',
                      help='time bundles compiled with --java-host (the Java host program, timed call by call)')
    ap.add_argument('--oracle-max-paths', type=int, default=16,
                    help='compile an oracle for at most this many distinct paths per sample (default 16)')
    ap.add_argument('--self-test', action='store_true', help='check the parsers and the table, then exit')
    ap.add_argument('--render', metavar='RESULTS_JSON', help='print the table and draw the chart of a saved run')
    ap.add_argument('--torch-worker', help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.self_test:
        self_test()
    elif a.render:
        with open(a.render) as f:
            results = json.load(f)
        report(results, os.path.dirname(os.path.abspath(a.render)))
    elif a.torch_worker:
        torch_worker(json.loads(a.torch_worker))
    else:
        if a.iterations < 1 or a.warmup < 0 or a.threads < 1:
            ap.error('--iterations and --threads must be at least 1, --warmup at least 0')
        run_suite(a)


if __name__ == '__main__':
    main()
