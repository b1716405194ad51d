# dynnc's TVM compile service, run by the compile worker's embedded CPython (EmbeddedTvm).
#
# dynnc_serve() answers requests that arrive as JSON lines on stdin; paths are data, never source.
# dynnc_compile(request_path) reads a JSON request written by RelayExport (one conditional-free
# subgraph: inputs, ops in dynnc's op catalogue, outputs, weights in a raw little-endian file),
# builds the Relay function, compiles it with relay.build and exports a shared library. Errors
# are written to request["error_file"] instead of escaping, so the JVM gets a message, not a
# crash.
import json
import logging
import os
import sys
import tempfile
import traceback

os.environ.setdefault("TOPHUB_LOCATION", "NONE")

import numpy as np

# Importing tvm logs spurious C++ errors about Apple targets ("-mcpu=apple-latest is not valid")
# while it registers target tags; hide stderr for the import only so users see real messages.
_saved_stderr = os.dup(2)
_devnull = os.open(os.devnull, os.O_WRONLY)
os.dup2(_devnull, 2)
try:
    import tvm
    from tvm import relay
finally:
    os.dup2(_saved_stderr, 2)
    os.close(_devnull)
    os.close(_saved_stderr)

# Without TopHub logs every op is untuned; the warning says so once per build and helps nobody.
logging.getLogger("autotvm").setLevel(logging.ERROR)


def _const(weights_blob, w):
    arr = np.frombuffer(weights_blob, dtype=w["dtype"], count=int(np.prod(w["shape"], dtype=np.int64)),
                        offset=w["offset"]).reshape(w["shape"])
    # Always pass dtype: relay.const turns int64 arrays into int32 by default.
    return relay.const(arr.copy(), dtype=w["dtype"])


# PyTorch's NaN rules. TVM lowers maximum(a, b) to `a > b ? a : b`, so it keeps a NaN b but
# drops a NaN a: relu (max(x, 0)), clip and maximum/minimum map NaN to a number, and its max/min
# reducers (max pooling, max/min, argmax/argmin) keep a NaN only when it comes last; a branch on
# the result would then go another way than in PyTorch. The lowerings below restore PyTorch's
# rules with elementwise integer ops on the float bits (no `where`, whose missing layout rule
# would cut relu off the convolution it fuses into, and no isnan, which TVM does not vectorize),
# so they fuse into the neighbouring kernel.
_BITS = {"float32": ("int32", 31, 0x7F800000, 0x7FC00000),
         "float64": ("int64", 63, 0x7FF0000000000000, 0x7FF8000000000000)}


def _is_float(dtype):
    return str(dtype) in _BITS


def _dtype(e):
    return str(relay.transform.InferTypeLocal(e).dtype)


def _nan_mask(bits, dtype):
    """-1 (all bits set) where the float with these bits is NaN, 0 elsewhere."""
    it, top, inf, _ = _BITS[dtype]
    magnitude = relay.bitwise_and(bits, relay.const((1 << top) - 1, it))
    # inf - magnitude is negative exactly for NaN; the arithmetic shift spreads its sign.
    return relay.right_shift(relay.subtract(relay.const(inf, it), magnitude), relay.const(top, it))


def _keep_nan(y, x, dtype):
    """y, but NaN wherever x (broadcasting to y) is NaN."""
    it, _, _, quiet_nan = _BITS[dtype]
    nan = relay.bitwise_and(_nan_mask(relay.reinterpret(x, it), dtype), relay.const(quiet_nan, it))
    return relay.reinterpret(relay.bitwise_or(relay.reinterpret(y, it), nan), dtype)


# Max/min reductions run on integer keys that order floats as PyTorch does: a float's bits with
# the magnitude bits flipped for negative numbers compare as signed integers like the floats,
# and a NaN, given the sign that puts it beyond the infinity on the reduction's side, wins. The
# mapping is an involution, so the reduced key maps back to the winning float exactly.
def _flip(bits, dtype):
    it, top, _, _ = _BITS[dtype]
    return relay.bitwise_xor(bits, relay.bitwise_and(relay.right_shift(bits, relay.const(top, it)),
                                                     relay.const((1 << top) - 1, it)))


def _to_key(x, dtype, nan_high, merge_zeros=False):
    it, top, _, _ = _BITS[dtype]
    bits = relay.reinterpret(x, it)
    nan_sign = relay.bitwise_and(_nan_mask(bits, dtype), relay.const(-(1 << top), it))
    bits = relay.bitwise_and(bits, relay.bitwise_not(nan_sign)) if nan_high else relay.bitwise_or(bits, nan_sign)
    key = _flip(bits, dtype)
    if merge_zeros:
        # -0.0 (key -1) ties with 0.0 (key 0) in PyTorch's comparisons, so argmax/argmin must
        # see them as one value and take the first.
        key = relay.add(key, relay.cast(relay.equal(key, relay.const(-1, it)), it))
    return key


def _from_key(key, dtype):
    return relay.reinterpret(_flip(key, dtype), dtype)


def _shape(e):
    return [int(d) for d in relay.transform.InferTypeLocal(e).shape]


def _op(name, a, attrs, out):
    if name == "conv2d":
        w = a[1]
        k = out["weight_shape"]
        y = relay.nn.conv2d(a[0], w, strides=attrs["strides"], padding=attrs["padding"],
                            dilation=attrs["dilation"], groups=attrs["groups"],
                            channels=k[0], kernel_size=(k[2], k[3]))
        return relay.nn.bias_add(y, a[2], axis=1) if len(a) > 2 else y
    if name == "batch_norm":
        return relay.nn.batch_norm(a[0], a[1], a[2], a[3], a[4], axis=1, epsilon=attrs["eps"])[0]
    if name == "broadcast_to":
        return relay.broadcast_to(a[0], attrs["shape"])
    if name == "layer_norm":
        return relay.nn.layer_norm(a[0], a[1], a[2], axis=-1, epsilon=attrs["eps"])
    if name == "embedding":
        # Eval-mode semantics: out-of-range indices are an error in PyTorch; clip keeps TVM in bounds.
        return relay.take(a[0], a[1], axis=0, mode="clip")
    if name == "linear":
        x = a[0]
        lead = out["shape"][:-1]
        if len(lead) != 1:
            # x86 dense schedules take 2-d data only: fold the leading dimensions and restore them.
            x = relay.reshape(x, newshape=[-1, out["in_features"]])
        y = relay.nn.dense(x, a[1])
        if len(a) > 2:
            y = relay.nn.bias_add(y, a[2], axis=-1)
        return y if len(lead) == 1 else relay.reshape(y, newshape=out["shape"])
    if name == "matmul":
        return relay.nn.batch_matmul(a[0], a[1], transpose_b=False)
    fp = _is_float(out["dtype"])
    if name == "relu" and fp:
        # maximum(0, x) is `0 > x ? 0 : x`: NaN passes as in PyTorch, at no cost (relay's relu
        # is maximum(x, 0), which gives 0).
        return relay.maximum(relay.const(0, out["dtype"]), a[0])
    if name in ("maximum", "minimum") and fp:
        f = relay.maximum if name == "maximum" else relay.minimum
        return _keep_nan(_keep_nan(f(a[0], a[1]), a[0], out["dtype"]), a[1], out["dtype"])
    unary = {"relu": relay.nn.relu, "sigmoid": relay.sigmoid, "tanh": relay.tanh, "exp": relay.exp,
             "log": relay.log, "sqrt": relay.sqrt, "abs": relay.abs, "neg": relay.negative,
             "erf": relay.erf}
    if name in unary:
        return unary[name](a[0])
    if name == "ne" and _is_float(_dtype(a[0])):
        # TVM's not_equal is LLVM's ordered `one`, false when either side is NaN, and its
        # simplifier turns not(equal) into not_equal; PyTorch's != is true at a NaN.
        return relay.logical_or(relay.not_equal(a[0], a[1]), relay.logical_or(relay.isnan(a[0]), relay.isnan(a[1])))
    if name == "logical_not":
        # TVM's simplifier rewrites not(a < b) into a >= b, which is false at a NaN where
        # PyTorch's ~(a < b) is true; comparing with True is not rewritten.
        return relay.not_equal(a[0], relay.const(True))
    binary = {"add": relay.add, "sub": relay.subtract, "mul": relay.multiply, "div": relay.divide,
              "floor_div": relay.floor_divide, "mod": relay.floor_mod, "pow": relay.power,
              "maximum": relay.maximum, "minimum": relay.minimum, "ge": relay.greater_equal,
              "gt": relay.greater, "le": relay.less_equal, "lt": relay.less, "eq": relay.equal,
              "logical_and": relay.logical_and, "logical_or": relay.logical_or}
    if name in binary:
        return binary[name](a[0], a[1])
    if name == "max_pool2d":
        pool = lambda x: relay.nn.max_pool2d(x, pool_size=attrs["kernel"], strides=attrs["strides"],
                                             padding=attrs["padding"], ceil_mode=attrs["ceil_mode"])
        # F.max_pool2d gives NaN for a window holding a NaN. Padding is the key type's minimum.
        return _from_key(pool(_to_key(a[0], out["dtype"], True)), out["dtype"]) if fp else pool(a[0])
    if name == "avg_pool2d":
        return relay.nn.avg_pool2d(a[0], pool_size=attrs["kernel"], strides=attrs["strides"],
                                   padding=attrs["padding"], ceil_mode=attrs["ceil_mode"],
                                   count_include_pad=attrs["count_include_pad"])
    if name == "adaptive_avg_pool2d":
        return relay.nn.adaptive_avg_pool2d(a[0], output_size=attrs["output_size"])
    if name == "reshape":
        return relay.reshape(a[0], newshape=attrs["shape"])
    if name == "transpose":
        return relay.transpose(a[0], axes=attrs["perm"])
    if name == "softmax":
        return relay.nn.softmax(a[0], axis=attrs["axis"])
    if name == "log_softmax":
        return relay.nn.log_softmax(a[0], axis=attrs["axis"])
    reduce = {"reduce_max": relay.max, "reduce_min": relay.min, "reduce_sum": relay.sum, "reduce_mean": relay.mean}
    if name in ("reduce_max", "reduce_min") and fp:
        # torch.max/min reductions give NaN when the reduced elements hold one.
        key = _to_key(a[0], out["dtype"], name == "reduce_max")
        return _from_key(reduce[name](key, axis=attrs["axes"], keepdims=attrs["keepdims"]), out["dtype"])
    if name in reduce:
        return reduce[name](a[0], axis=attrs["axes"], keepdims=attrs["keepdims"])
    if name in ("argmax", "argmin"):
        f = relay.argmax if name == "argmax" else relay.argmin
        x = a[0]
        dtype = _dtype(x)
        if _is_float(dtype):
            # torch.argmax/argmin give the index of the first NaN when there is one.
            x = _to_key(x, dtype, name == "argmax", merge_zeros=True)
        # Relay's argmax yields int32; PyTorch's indices are int64.
        return relay.cast(f(x, axis=[attrs["axis"]], keepdims=attrs["keepdims"]), "int64")
    if name == "concat":
        return relay.concatenate(a, axis=attrs["axis"])
    if name == "cast":
        if out["dtype"] == "bool" and _is_float(_dtype(a[0])):
            # TVM casts to bool as x != 0, false at NaN; in PyTorch NaN is true.
            return relay.logical_or(relay.not_equal(a[0], relay.const(0, _dtype(a[0]))), relay.isnan(a[0]))
        return relay.cast(a[0], out["dtype"])
    if name == "clip":
        if not fp:
            return relay.clip(a[0], a_min=attrs["min"], a_max=attrs["max"])
        # relay.clip maps NaN to a bound; torch.clamp (and relu6, hardtanh) keep NaN. With the
        # bound first, `lo > x ? lo : x` and `hi < y ? hi : y` pass NaN as relu does.
        lo = relay.const(attrs["min"], out["dtype"])
        hi = relay.const(attrs["max"], out["dtype"])
        return relay.minimum(hi, relay.maximum(lo, a[0]))
    if name == "where":
        return relay.where(a[0], a[1], a[2])
    if name == "strided_slice":
        return relay.strided_slice(a[0], begin=attrs["begin"], end=attrs["end"], strides=attrs["strides"])
    if name == "cumsum":
        return relay.cumsum(a[0], axis=attrs["axis"], dtype=out["dtype"])
    if name == "gather":
        # An out-of-range index is an error in PyTorch; clipping keeps TVM's reads in bounds.
        n = _shape(a[0])[attrs["axis"]]
        return relay.gather(a[0], attrs["axis"], relay.clip(a[1], a_min=0, a_max=n - 1))
    if name == "index_select":
        return relay.take(a[0], a[1], axis=attrs["axis"], mode="clip")
    if name in ("topk_values", "topk_indices"):
        x = a[0]
        dtype = _dtype(x)
        if _is_float(dtype):
            # torch.topk orders NaN above every number, for largest and smallest alike.
            x = _to_key(x, dtype, True)
        ret = "values" if name == "topk_values" else "indices"
        y = relay.topk(x, k=attrs["k"], axis=attrs["axis"], ret_type=ret, is_ascend=not attrs["largest"],
                       dtype="int64")
        return _from_key(y, dtype) if ret == "values" and _is_float(dtype) else y
    if name == "pad":
        w = attrs["pad_width"]
        return relay.nn.pad(a[0], pad_width=[[w[i], w[i + 1]] for i in range(0, len(w), 2)],
                            pad_value=relay.const(attrs["value"], out["dtype"]))
    raise ValueError("no Relay lowering for op '%s'" % name)


def _build(req):
    with open(req["weights_file"], "rb") as fh:
        blob = fh.read()
    env = {}
    params = []
    for i in req["inputs"]:
        v = relay.var("in%d" % i["id"], shape=i["shape"], dtype=i["dtype"])
        env[i["id"]] = v
        params.append(v)
    # Weights shared with other subgraphs arrive as inputs bound once by the runtime.
    for w in req.get("weight_inputs", []):
        v = relay.var(w["name"], shape=w["shape"], dtype=w["dtype"])
        env[w["id"]] = v
        params.append(v)
    for op in req["ops"]:
        name = op["op"]
        if name == "weight":
            env[op["id"]] = _const(blob, req["weights"][op["attrs"]["name"]])
            continue
        if name == "arange":
            n = op["shape"][0]
            values = op["attrs"]["start"] + op["attrs"]["step"] * np.arange(n, dtype=np.float64)
            env[op["id"]] = relay.const(values.astype(op["dtype"]), dtype=op["dtype"])
            continue
        if name == "full":
            env[op["id"]] = relay.const(np.full(op["shape"], op["attrs"]["value"], dtype=op["dtype"]), dtype=op["dtype"])
            continue
        args = [env[x] for x in op["args"]]
        if name == "conv2d":
            op = dict(op, weight_shape=[int(d) for d in req["shapes"][str(op["args"][1])]])
        if name == "linear":
            op = dict(op, in_features=int(req["shapes"][str(op["args"][1])][1]))
        env[op["id"]] = _op(name, args, op["attrs"], op)
    outs = [env[o] for o in req["outputs"]]
    body = outs[0] if len(outs) == 1 else relay.Tuple(outs)
    mod = tvm.IRModule.from_expr(relay.Function(params, body))
    mod = relay.transform.InferType()(mod)
    # Check Relay's view of every output against dynnc's shape inference before compiling.
    ret = mod["main"].checked_type.ret_type
    rtypes = list(ret.fields) if isinstance(ret, tvm.ir.TupleType) else [ret]
    for o, t, expect in zip(req["outputs"], rtypes, req["output_types"]):
        got = ([int(d) for d in t.shape], str(t.dtype))
        if got != (expect["shape"], expect["dtype"]):
            raise ValueError("output %%%d: Relay infers %s but dynnc expects %s" % (o, got, (expect["shape"], expect["dtype"])))
    target = req["target"]
    if target == "llvm":
        target = "llvm -mcpu=" + tvm.target.codegen.llvm_get_system_cpu()
    with tvm.transform.PassContext(opt_level=3):
        lib = relay.build(mod, target=tvm.target.Target(target))
    tmp = req["output"] + ".partial.so"
    lib.export_library(tmp)
    os.replace(tmp, req["output"])
    with open(req["relay_file"], "w") as fh:
        fh.write(mod.astext(show_meta_data=False))


def dynnc_compile(request_path):
    with open(request_path) as fh:
        req = json.load(fh)
    try:
        _build(req)
    except BaseException:
        with open(req["error_file"], "w") as fh:
            fh.write(traceback.format_exc())


def dynnc_serve():
    """Answers compile requests until stdin closes.

    Each request is one JSON line {"id": N, "request": PATH} on stdin; each answer one JSON line
    {"id": N, "error": TRACEBACK or null} on the original stdout, after a first {"ready": true}.
    """
    answers = os.fdopen(os.dup(1), "w", buffering=1)
    # Whatever TVM, g++ or Python itself print must not corrupt the answers: fd 1 becomes stderr.
    os.dup2(2, 1)
    answers.write(json.dumps({"ready": True}) + "\n")
    while True:
        line = sys.stdin.buffer.readline()
        if not line:
            return
        msg = json.loads(line)
        work = os.path.dirname(msg["request"])
        # TVM's and g++'s temporary files go to the request's work directory, which the compiler
        # deletes even when it had to kill this worker.
        tempfile.tempdir = work
        os.environ["TMPDIR"] = work
        error = None
        try:
            dynnc_compile(msg["request"])
        except BaseException:
            error = traceback.format_exc()
        answers.write(json.dumps({"id": msg["id"], "error": error}) + "\n")
