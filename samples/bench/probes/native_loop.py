"""Probe (issue 10, act_rnn's oracle ratio): what a data-dependent loop costs when native code runs
it, with no host round trip per iteration.

Not part of dynnc: a measurement that decides how to close the gap. Run with the presets' Python:

    samples/bench/probes/tvm-python samples/bench/probes/native_loop.py

The loop body is an ACT cell's ponder step as act_rnn has it (a GRU cell on [x, flag], a halting
unit, the weighted means; hidden 16, input 8, output 4), compiled by Relay for the graph executor.
A driver written here in TIR (TVM's loop-level IR, compiled by TVM's LLVM backend into the same
shared library) runs the loop: it calls the body's kernels in the graph's order on buffers laid out
as the graph's storage plan says (tvm_call_cpacked, the direct call TVM's AOT executor makes),
evaluates the loop's condition (halt_sum < 1 - eps and steps < max_steps) on the body's output,
copies the carried state back to the inputs and goes round again. One call of the driver runs the
whole loop.

It checks the driver against the same loop run by the graph executor (one run per iteration,
state carried in Python), then times, for 1 to 6 iterations (TVM's time_evaluator, 1 thread):
the driver, the graph executor's run times the iterations (what the kernels cost when the host is
free), and the body unrolled that many times into one graph (the one-graph oracle's counterpart).
"""
import json
import os
import sys
import shutil
import tempfile

import numpy as np
import tvm
from tvm import relay, tir
from tvm.contrib import graph_executor

H, I, O = 16, 8, 4
EPS = 0.01


def target():
    cpu = tvm.target.codegen.llvm_get_system_cpu()
    return tvm.target.Target('llvm' + (' -mcpu=' + cpu if cpu and cpu != 'generic' else ''))


def weights(rng):
    def c(*s):
        return relay.const(rng.standard_normal(s).astype('float32') * 0.3)

    return (c(3 * H, I + 1), c(3 * H), c(3 * H, H), c(3 * H), c(1, H),
            relay.const(np.array([1.0], 'float32')), c(O, H), c(O))


def step(wts, x, flag, h, n, hs, sm, om):
    """The ponder step: (x, flag, h, n, hs, sm, om) -> (h', flag', n', w, hs', sm', om')."""
    wi, bi, wh, bh, wp, bp, wo, bo = wts
    g = relay.nn.bias_add(relay.nn.dense(relay.concatenate([x, flag], 1), wi), bi)
    r = relay.nn.bias_add(relay.nn.dense(h, wh), bh)

    def part(t, a, b):
        return relay.strided_slice(t, [0, a], [1, b])

    rr = relay.sigmoid(part(g, 0, H) + part(r, 0, H))
    z = relay.sigmoid(part(g, H, 2 * H) + part(r, H, 2 * H))
    cand = relay.tanh(part(g, 2 * H, 3 * H) + rr * part(r, 2 * H, 3 * H))
    h2 = (relay.const(1.0) - z) * cand + z * h
    p = relay.sigmoid(relay.nn.bias_add(relay.nn.dense(h2, wp), bp))
    n2 = n + relay.const(1.0)
    one = relay.const(1.0)
    halting = relay.cast(relay.logical_or(relay.greater_equal(hs + p, relay.const(1.0 - EPS)),
                                          relay.greater_equal(n2, relay.const(6.0))), 'float32')
    w = halting * (one - hs) + (one - halting) * p
    o = relay.nn.bias_add(relay.nn.dense(h2, wo), bo)
    return [h2, relay.zeros((1, 1), 'float32'), n2, w, hs + w, sm + w * h2, om + w * o]


# Output k of the body feeds input CARRY[k] of the next iteration; output 4 is halt_sum.
CARRY = {0: 'h', 1: 'flag', 2: 'n', 4: 'hs', 5: 'sm', 6: 'om'}
HALT_SUM = 4


def build_body(tgt, wts):
    shapes = {'x': (1, I), 'flag': (1, 1), 'h': (1, H), 'n': (1, 1), 'hs': (1, 1), 'sm': (1, H),
              'om': (1, O)}
    params = [relay.var(k, shape=s, dtype='float32') for k, s in shapes.items()]
    fn = relay.Function(params, relay.Tuple(step(wts, *params)))
    # as dynnc builds subgraphs: weights linked into the library as constant data, no argument
    # checks in the kernels' entry points
    with tvm.transform.PassContext(opt_level=3, config={'tir.disable_assert': True}):
        return relay.build(tvm.IRModule.from_expr(fn), target=tgt, mod_name='body',
                           executor=relay.backend.Executor('graph', {'link-params': True}))


def driver(lib, threshold):
    """The TIR loop driver over the body's graph: args are the graph's inputs (data, then state,
    then parameters), its outputs, a max_steps scalar (int32[1]) and the iterations run (int32[1])."""
    g = json.loads(lib.get_graph_json())
    nodes, rowptr = g['nodes'], g['node_row_ptr']
    sids, shapes, dtypes = g['attrs']['storage_id'][1], g['attrs']['shape'][1], g['attrs']['dltype'][1]
    size = {}
    for e, sid in enumerate(sids):
        size[sid] = max(size.get(sid, 0), int(np.prod(shapes[e])))
    storage = {sid: tir.Var('s%d' % sid, tvm.ir.PointerType(tvm.ir.PrimType('float32'))) for sid in size}
    entry = {e: tir.decl_buffer(shapes[e], dtypes[e], name='e%d' % e, data=storage[sid])
             for e, sid in enumerate(sids)}
    inputs, heads = g['arg_nodes'], [h[0] for h in g['heads']]
    arg_in = [tir.decl_buffer(shapes[rowptr[i]], dtypes[rowptr[i]], name='in_' + nodes[i]['name'])
              for i in inputs]
    arg_out = [tir.decl_buffer(shapes[rowptr[h]], dtypes[rowptr[h]], name='out%d' % k)
               for k, h in enumerate(heads)]
    max_steps = tir.decl_buffer((1,), 'int32', name='max_steps')
    iters = tir.decl_buffer((1,), 'int32', name='iters')
    by_name = {nodes[i]['name']: k for k, i in enumerate(inputs)}
    carried = set(CARRY.values())

    def copy(dst, src):
        n = int(np.prod(dst.shape))
        i = tir.Var('i', 'int32')
        d = tir.decl_buffer((n,), dst.dtype, data=dst.data)
        s = tir.decl_buffer((n,), src.dtype, data=src.data)
        return tir.For(i, 0, n, tir.ForKind.SERIAL, tir.BufferStore(d, tir.BufferLoad(s, [i]), [i]))

    first = []
    for k, i in enumerate(inputs):
        if nodes[i]['name'] in carried:
            first.append(copy(entry[rowptr[i]], arg_in[k]))  # state: copied in once
        else:
            entry[rowptr[i]] = arg_in[k]  # data and parameters: read where the caller has them
    steps = tir.decl_buffer((1,), 'int32', name='steps')
    go = tir.decl_buffer((1,), 'int32', name='go')
    null = tir.reinterpret('handle', tir.const(0, 'uint64'))
    loop = []
    for n, node in enumerate(nodes):
        if node['op'] == 'tvm_op':
            args = [entry[rowptr[s] + j] for s, j, *_ in node['inputs']]
            args += [entry[rowptr[n] + j] for j in range(int(node['attrs']['num_outputs']))]
            loop.append(tir.Evaluate(tir.call_cpacked(node['attrs']['func_name'], *args, null)))
    halt = entry[rowptr[heads[HALT_SUM]]]
    loop.append(tir.BufferStore(steps, steps[0] + 1, [0]))
    loop.append(tir.BufferStore(go, tir.Cast('int32', tir.And(
        halt[0, 0] < tir.const(threshold, 'float32'), steps[0] < max_steps[0])), [0]))
    for k, name in CARRY.items():
        loop.append(tir.IfThenElse(go[0] != 0, copy(entry[rowptr[inputs[by_name[name]]]],
                                                    entry[rowptr[heads[k]]]), None))
    stmts = first + [tir.BufferStore(steps, 0, [0]), tir.BufferStore(go, 1, [0]),
                     tir.While(go[0] != 0, tir.SeqStmt(loop))]
    stmts += [copy(arg_out[k], entry[rowptr[h]]) for k, h in enumerate(heads)]
    stmts.append(tir.BufferStore(iters, steps[0], [0]))
    s = tir.SeqStmt(stmts)
    for b in (steps, go):
        s = tir.DeclBuffer(b, tir.Allocate(b.data, 'int32', [1], tir.const(1, 'bool'), s))
    for sid, v in storage.items():
        s = tir.Allocate(v, 'float32', [size[sid]], tir.const(1, 'bool'), s)
    bufs = arg_in + arg_out + [max_steps, iters]
    handles = [tir.Var('a%d' % k, 'handle') for k in range(len(bufs))]
    f = tir.PrimFunc(handles, s, buffer_map=dict(zip(handles, bufs)))
    return tvm.IRModule({'loop': f.with_attr('global_symbol', 'loop')}), inputs, heads, nodes


def main():
    work = tempfile.mkdtemp(prefix='dynnc-probe-')
    try:
        return measure(work)
    finally:
        shutil.rmtree(work)


def measure(work):
    wts = weights(np.random.default_rng(0))
    tgt = target()
    dev = tvm.cpu()
    lib = build_body(tgt, wts)
    ir, inputs, heads, nodes = driver(lib, 1.0 - EPS)
    with tvm.transform.PassContext(config={'tir.disable_assert': True}):
        native = tvm.build(ir, target=tgt)
    native.import_module(lib.get_lib())
    path = os.path.join(work, 'loop.so')
    native.export_library(path)
    loop = tvm.runtime.load_module(path)['loop']
    params = {k: v.numpy() for k, v in lib.get_params().items()}
    ge = graph_executor.GraphModule(lib['body'](dev))

    def state0(x):
        return {'x': x, 'flag': np.ones((1, 1), 'float32'), 'h': np.zeros((1, H), 'float32'),
                'n': np.zeros((1, 1), 'float32'), 'hs': np.zeros((1, 1), 'float32'),
                'sm': np.zeros((1, H), 'float32'), 'om': np.zeros((1, O), 'float32')}

    def run_native(x, max_steps):
        vals = dict(state0(x), **params)
        args = [tvm.nd.array(vals[nodes[i]['name']], dev) for i in inputs]
        outs = [tvm.nd.empty(ge.get_output(k).shape, 'float32', dev) for k in range(len(heads))]
        cap = tvm.nd.array(np.array([max_steps], 'int32'), dev)
        it = tvm.nd.empty((1,), 'int32', dev)
        loop(*args, *outs, cap, it)
        return [o.numpy() for o in outs], int(it.numpy()[0]), (args, outs, cap, it)

    def run_graph(x, max_steps, threshold=1.0 - EPS):
        st, steps = state0(x), 0
        while True:
            for k, v in st.items():
                ge.set_input(k, v)
            ge.run()
            outs = [ge.get_output(k).numpy() for k in range(len(heads))]
            steps += 1
            if not (outs[HALT_SUM][0, 0] < threshold and steps < max_steps):
                return outs, steps
            for k, name in CARRY.items():
                st[name] = outs[k]

    counts = set()
    worst = 0.0
    for seed in range(40):
        x = np.random.default_rng(100 + seed).standard_normal((1, I)).astype('float32') * (1 + seed % 5)
        for cap in (1, 3, 6):
            a, na, _ = run_native(x, cap)
            b, nb, = run_graph(x, cap)
            assert na == nb, (seed, cap, na, nb)
            worst = max(worst, max(float(np.abs(p - q).max()) for p, q in zip(a, b)))
            counts.add(na)
    assert worst == 0.0, worst
    print('driver = graph executor loop on 120 runs (iterations taken: %s); max difference %g'
          % (sorted(counts), worst))

    # Timing: a threshold halt_sum never reaches (2.0), so the loop runs exactly max_steps times.
    ir2, _, _, _ = driver(lib, 2.0)
    with tvm.transform.PassContext(config={'tir.disable_assert': True}):
        fixed = tvm.build(ir2, target=tgt)
    fixed.import_module(lib.get_lib())
    fixed.export_library(path + '.fixed.so')  # another path: dlopen returns a loaded one again
    fixed = tvm.runtime.load_module(path + '.fixed.so')
    number, repeat = 4000, 7
    run_us = ge.module.time_evaluator('run', dev, number=number, repeat=repeat)().median * 1e6
    x = np.zeros((1, I), 'float32')
    for k in range(1, 7):  # the fixed driver against the graph executor too, 1 to 6 iterations
        _, _, (args, outs, cap, it) = run_native(x, k)
        fixed['loop'](*args, *outs, cap, it)
        ref, steps = run_graph(x, k, 2.0)
        assert int(it.numpy()[0]) == steps == k
        assert all(np.array_equal(o.numpy(), r) for o, r in zip(outs, ref))
    print('| iterations | native loop us | graph executor runs us | unrolled one graph us |')
    print('|---|---|---|---|')
    for k in range(1, 7):
        _, _, (args, outs, cap, it) = run_native(x, k)
        fixed['loop'](*args, *outs, cap, it)
        assert int(it.numpy()[0]) == k, (k, it.numpy())
        t_native = fixed.time_evaluator('loop', dev, number=number, repeat=repeat)(
            *args, *outs, cap, it).median * 1e6
        # the body unrolled k times into one graph, the state carried inside it
        xs = relay.var('x', shape=(1, I), dtype='float32')
        cur = [relay.ones((1, 1), 'float32'), relay.zeros((1, H), 'float32'),
               relay.zeros((1, 1), 'float32'), relay.zeros((1, 1), 'float32'),
               relay.zeros((1, H), 'float32'), relay.zeros((1, O), 'float32')]
        for _ in range(k):
            res = step(wts, xs, *cur)
            cur = [res[1], res[0], res[2], res[4], res[5], res[6]]
        un = relay.Function([xs], relay.Tuple([cur[5], cur[4], cur[2]]))
        with tvm.transform.PassContext(opt_level=3, config={'tir.disable_assert': True}):
            ulib = relay.build(tvm.IRModule.from_expr(un), target=tgt,
                               executor=relay.backend.Executor('graph', {'link-params': True}))
        um = graph_executor.GraphModule(ulib['default'](dev))
        um.set_input('x', x)
        t_un = um.module.time_evaluator('run', dev, number=number, repeat=repeat)().median * 1e6
        print('| %d | %.2f | %.2f | %.2f |' % (k, t_native, k * run_us, t_un))
    return 0


if __name__ == '__main__':
    sys.exit(main())
