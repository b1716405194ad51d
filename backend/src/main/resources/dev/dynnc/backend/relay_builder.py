# dynnc's TVM compile service, run by the compile worker's embedded CPython (EmbeddedTvm).
#
# dynnc_serve() answers requests that arrive as JSON lines on stdin; paths are data, never source.
# dynnc_compile(request_path) reads a JSON request written by RelayExport (one conditional-free
# subgraph: inputs, ops in dynnc's op catalogue, outputs, weights in a raw little-endian file),
# builds the Relay function, compiles it with relay.build and exports a shared library. Errors
# are written to request["error_file"] instead of escaping, so the JVM gets a message, not a
# crash.
import hashlib
import json
import logging
import os
import shutil
import struct
import sys
import tempfile
import time
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
    from tvm import relay, tir
finally:
    os.dup2(_saved_stderr, 2)
    os.close(_devnull)
    os.close(_saved_stderr)

# Without TopHub logs every op is untuned; the warning says so once per build and helps nobody.
logging.getLogger("autotvm").setLevel(logging.ERROR)
# A tuned build logs every kernel the search found no schedule for (with its whole compute DAG);
# TVM's own schedule is then used, which is what the tuning report compares against anyway.
logging.getLogger("auto_scheduler").setLevel(logging.ERROR)


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


def _is_unsigned(dtype):
    return str(dtype).startswith("uint")


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
    # A NaN's sign bit cleared (nan_high) or set; other floats as they are. Written with the
    # largest integer, never the smallest: TVM's CUDA code prints int32's -2147483648 as a C++
    # long, and nvcc 13 then finds min(int, long) ambiguous.
    not_nan = relay.bitwise_not(_nan_mask(bits, dtype))
    largest = relay.const((1 << top) - 1, it)
    if nan_high:
        bits = relay.bitwise_and(bits, relay.bitwise_or(not_nan, largest))
    else:
        bits = relay.bitwise_or(bits, relay.bitwise_not(relay.bitwise_or(not_nan, largest)))
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


# Lowerings that are more than one plain Relay call, by the name the op table gives them (ir's
# Ops). Each takes the operand expressions, the op as RelayExport wrote it (attrs, dtype, shape,
# args) and the request. A plain lowering needs nothing here: _lower interprets it.


def _weight(a, op, req):
    return _const(req["weights_blob"], req["weights"][op["attrs"]["name"]])


def _arange(a, op, req):
    n = op["shape"][0]
    values = op["attrs"]["start"] + op["attrs"]["step"] * np.arange(n, dtype=np.float64)
    return relay.const(values.astype(op["dtype"]), dtype=op["dtype"])


def _full(a, op, req):
    return relay.const(np.full(op["shape"], op["attrs"]["value"], dtype=op["dtype"]), dtype=op["dtype"])


def _conv2d(a, op, req):
    attrs = op["attrs"]
    k = [int(d) for d in req["shapes"][str(op["args"][1])]]
    y = relay.nn.conv2d(a[0], a[1], strides=attrs["strides"], padding=attrs["padding"],
                        dilation=attrs["dilation"], groups=attrs["groups"],
                        channels=k[0], kernel_size=(k[2], k[3]))
    return relay.nn.bias_add(y, a[2], axis=1) if len(a) > 2 else y


def _conv3d(a, op, req):
    attrs = op["attrs"]
    k = [int(d) for d in req["shapes"][str(op["args"][1])]]
    y = relay.nn.conv3d(a[0], a[1], strides=attrs["strides"], padding=attrs["padding"],
                        dilation=attrs["dilation"], groups=attrs["groups"],
                        channels=k[0], kernel_size=(k[2], k[3], k[4]))
    return relay.nn.bias_add(y, a[2], axis=1) if len(a) > 2 else y


def _conv_transpose2d(a, op, req):
    attrs = op["attrs"]
    k = [int(d) for d in req["shapes"][str(op["args"][1])]]
    y = relay.nn.conv2d_transpose(a[0], a[1], strides=attrs["strides"], padding=attrs["padding"],
                                  output_padding=attrs["output_padding"],
                                  dilation=attrs["dilation"], groups=attrs["groups"],
                                  channels=k[1] * attrs["groups"], kernel_size=(k[2], k[3]),
                                  kernel_layout="IOHW")
    return relay.nn.bias_add(y, a[2], axis=1) if len(a) > 2 else y


def _batch_norm(a, op, req):
    return relay.nn.batch_norm(a[0], a[1], a[2], a[3], a[4], axis=1, epsilon=op["attrs"]["eps"])[0]


def _linear(a, op, req):
    x = a[0]
    lead = op["shape"][:-1]
    if len(lead) != 1:
        # x86 dense schedules take 2-d data only: fold the leading dimensions and restore them.
        x = relay.reshape(x, newshape=[-1, int(req["shapes"][str(op["args"][1])][1])])
    y = relay.nn.dense(x, a[1])
    if len(a) > 2:
        y = relay.nn.bias_add(y, a[2], axis=-1)
    return y if len(lead) == 1 else relay.reshape(y, newshape=op["shape"])


def _relu(a, op, req):
    if not _is_float(op["dtype"]):
        return relay.nn.relu(a[0])
    # maximum(0, x) is `0 > x ? 0 : x`: NaN passes as in PyTorch, at no cost (relay's relu
    # is maximum(x, 0), which gives 0).
    return relay.maximum(relay.const(0, op["dtype"]), a[0])


def _extreme(f):
    def lower(a, op, req):
        if not _is_float(op["dtype"]):
            return f(a[0], a[1])
        return _keep_nan(_keep_nan(f(a[0], a[1]), a[0], op["dtype"]), a[1], op["dtype"])
    return lower


def _ne(a, op, req):
    if not _is_float(_dtype(a[0])):
        return relay.not_equal(a[0], a[1])
    # TVM's not_equal is LLVM's ordered `one`, false when either side is NaN, and its
    # simplifier turns not(equal) into not_equal; PyTorch's != is true at a NaN.
    return relay.logical_or(relay.not_equal(a[0], a[1]), relay.logical_or(relay.isnan(a[0]), relay.isnan(a[1])))


def _holds_when_equal(f):
    # TVM's simplifier folds x == x, x <= x and x >= x to true, also where the two sides compute
    # the same value after fusion (x == x.clone()); PyTorch's comparison is false at a NaN, so a
    # float comparison that holds for equal sides also requires that neither side is NaN.
    def lower(a, op, req):
        r = f(a[0], a[1])
        if not _is_float(_dtype(a[0])):
            return r
        nan = relay.logical_or(relay.isnan(a[0]), relay.isnan(a[1]))
        return relay.logical_and(r, relay.equal(nan, relay.const(False)))

    return lower


def _logical_not(a, op, req):
    # TVM's simplifier rewrites not(a < b) into a >= b, which is false at a NaN where
    # PyTorch's ~(a < b) is true; comparing with True is not rewritten.
    return relay.not_equal(a[0], relay.const(True))


def _max_pool2d(a, op, req):
    attrs = op["attrs"]
    pool = lambda x: relay.nn.max_pool2d(x, pool_size=attrs["kernel"], strides=attrs["strides"],
                                         padding=attrs["padding"], ceil_mode=attrs["ceil_mode"])
    # F.max_pool2d gives NaN for a window holding a NaN. Padding is the key type's minimum.
    return _from_key(pool(_to_key(a[0], op["dtype"], True)), op["dtype"]) if _is_float(op["dtype"]) else pool(a[0])


def _max_pool3d(a, op, req):
    attrs = op["attrs"]
    pool = lambda x: relay.nn.max_pool3d(x, pool_size=attrs["kernel"], strides=attrs["strides"],
                                         padding=attrs["padding"], ceil_mode=attrs["ceil_mode"])
    # As _max_pool2d: a window holding a NaN gives NaN.
    return _from_key(pool(_to_key(a[0], op["dtype"], True)), op["dtype"]) if _is_float(op["dtype"]) else pool(a[0])


def _reduce_extreme(f, nan_high):
    def lower(a, op, req):
        attrs = op["attrs"]
        if not _is_float(op["dtype"]):
            return f(a[0], axis=attrs["axes"], keepdims=attrs["keepdims"])
        # torch.max/min reductions give NaN when the reduced elements hold one.
        key = _to_key(a[0], op["dtype"], nan_high)
        return _from_key(f(key, axis=attrs["axes"], keepdims=attrs["keepdims"]), op["dtype"])
    return lower


def _arg_extreme(f, nan_high):
    def lower(a, op, req):
        x = a[0]
        dtype = _dtype(x)
        if _is_float(dtype):
            # torch.argmax/argmin give the index of the first NaN when there is one.
            x = _to_key(x, dtype, nan_high, merge_zeros=True)
        # Relay's argmax yields int32; PyTorch's indices are int64.
        return relay.cast(f(x, axis=[op["attrs"]["axis"]], keepdims=op["attrs"]["keepdims"]), "int64")
    return lower


def _cast(a, op, req):
    if op["dtype"] == "bool" and _is_float(_dtype(a[0])):
        # TVM casts to bool as x != 0, false at NaN; in PyTorch NaN is true.
        return relay.logical_or(relay.not_equal(a[0], relay.const(0, _dtype(a[0]))), relay.isnan(a[0]))
    return relay.cast(a[0], op["dtype"])


def _clip(a, op, req):
    attrs = op["attrs"]
    if not _is_float(op["dtype"]):
        # A missing bound is an infinity, which relay.clip would convert to the integer type
        # (overflowing int32, and wrapping +inf to int64's minimum); only finite bounds are
        # applied, each as a constant of the tensor's type clamped to its range.
        info = np.iinfo(op["dtype"])
        x = a[0]
        if attrs["min"] != float("-inf"):
            x = relay.maximum(x, relay.const(int(min(max(attrs["min"], info.min), info.max)), op["dtype"]))
        if attrs["max"] != float("inf"):
            x = relay.minimum(x, relay.const(int(min(max(attrs["max"], info.min), info.max)), op["dtype"]))
        return x
    # relay.clip maps NaN to a bound; torch.clamp (and relu6, hardtanh) keep NaN. With the
    # bound first, `lo > x ? lo : x` and `hi < y ? hi : y` pass NaN as relu does.
    lo = relay.const(attrs["min"], op["dtype"])
    hi = relay.const(attrs["max"], op["dtype"])
    return relay.minimum(hi, relay.maximum(lo, a[0]))


def _int_division(f, by_minus_one):
    """floor_divide or floor_mod; on integers with no division by 0 or -1, which trap on x86 (a
    SIGFPE in a kernel kills the JVM): a zero divisor is replaced by 1 (the result there is
    undefined; the frontend's check_divisor raises ZeroDivisionError as PyTorch does), and a
    divisor of -1 gives `by_minus_one(x)` (-x, wrapping at the minimum, or 0)."""
    def lower(a, op, req):
        x, d = a
        dtype = op["dtype"]
        if _is_float(dtype):
            return f(x, d)
        zero = relay.const(0, dtype)
        if _is_unsigned(dtype):
            # uint8 has no -1; only a zero divisor traps
            return f(x, relay.where(relay.equal(d, zero), relay.const(1, dtype), d))
        minus_one = relay.const(-1, dtype)
        unsafe = relay.logical_or(relay.equal(d, zero), relay.equal(d, minus_one))
        safe = relay.where(unsafe, relay.const(1, dtype), d)
        return relay.where(relay.equal(d, minus_one), by_minus_one(x, dtype), f(x, safe))
    return lower


def _pow(a, op, req):
    dtype = op["dtype"]
    if _is_float(dtype):
        return relay.power(a[0], a[1])
    # Integers, as PyTorch computes them. A constant exponent (x ** 2) is unrolled into squarings
    # and products: exact, wrapping on overflow. A tensor exponent goes through float64 power,
    # exact while the power's magnitude is below 2**53 (beyond that PyTorch's wrapped result is
    # not reproduced; README); int32 results wrap through int64. A negative exponent gives 1 for a
    # base of 1, +-1 for -1 and 0 otherwise (a constant negative exponent is refused before this,
    # as PyTorch refuses it).
    base = relay.cast(a[0], dtype)
    e = relay.cast(a[1], dtype)
    one = relay.const(1, dtype)
    zero = relay.const(0, dtype)
    shape = [int(d) for d in op["shape"]]
    if isinstance(a[1], relay.Constant) and a[1].data.numpy().size == 1 and int(a[1].data.numpy().reshape(())) >= 0:
        n = int(a[1].data.numpy().reshape(()))
        result = None
        while n:
            if n & 1:
                result = base if result is None else relay.multiply(result, base)
            n >>= 1
            if n:
                base = relay.multiply(base, base)
        return relay.broadcast_to(one if result is None else result, shape)
    power = relay.power(relay.cast(base, "float64"), relay.cast(e, "float64"))
    result = relay.cast(relay.cast(relay.round(power), "int64"), dtype)
    if _is_unsigned(dtype):
        # no negative exponent: the power wraps modulo 256 through int64
        return relay.broadcast_to(result, shape)
    odd = relay.not_equal(relay.bitwise_and(e, one), zero)
    negative = relay.where(relay.equal(base, one), one,
                           relay.where(relay.equal(base, relay.const(-1, dtype)),
                                       relay.where(odd, relay.const(-1, dtype), one), zero))
    return relay.broadcast_to(relay.where(relay.less(e, zero), negative, result), shape)


def _cumsum(a, op, req):
    return relay.cumsum(a[0], axis=op["attrs"]["axis"], dtype=op["dtype"])


def _cumprod(a, op, req):
    return relay.cumprod(a[0], axis=op["attrs"]["axis"], dtype=op["dtype"], exclusive=False)


def _grid_sample(a, op, req):
    # PyTorch's grid is [N, H, W, 2]; TVM's is [N, 2, H, W].
    at = op["attrs"]
    return relay.image.grid_sample(a[0], relay.transpose(a[1], [0, 3, 1, 2]), method=at["method"],
                                   layout="NCHW", padding_mode=at["padding_mode"],
                                   align_corners=bool(at["align_corners"]))


def _gather(a, op, req):
    # An out-of-range index is an error in PyTorch; clipping keeps TVM's reads in bounds.
    axis = op["attrs"]["axis"]
    data_shape = _shape(a[0])
    index_shape = _shape(a[1])
    n = data_shape[axis]
    data = a[0]
    # PyTorch's index may be smaller than the input outside axis (only that part is read); TVM's
    # gather wants the two shapes equal there.
    end = [n if i == axis else index_shape[i] for i in range(len(data_shape))]
    if list(end) != list(data_shape):
        data = relay.strided_slice(data, begin=[0] * len(end), end=end)
    return relay.gather(data, axis, relay.clip(a[1], a_min=0, a_max=n - 1))


def _scatter_elements(a, op, req):
    # An out-of-range index is an error in PyTorch; clipping keeps TVM's writes in bounds.
    axis = op["attrs"]["axis"]
    reduction = op["attrs"]["reduction"]
    n = _shape(a[0])[axis]
    index = relay.clip(a[1], a_min=0, a_max=n - 1)
    dtype = op["dtype"]
    if reduction in ("max", "min") and _is_float(dtype):
        # On the integer keys of max/min reductions: NaN wins, as in PyTorch's amax/amin.
        nan_high = reduction == "max"
        key = relay.scatter_elements(_to_key(a[0], dtype, nan_high), index, _to_key(a[2], dtype, nan_high),
                                     axis=axis, reduction=reduction)
        return _from_key(key, dtype)
    return relay.scatter_elements(a[0], index, a[2], axis=axis, reduction=reduction)


def _topk(ret):
    def lower(a, op, req):
        attrs = op["attrs"]
        x = a[0]
        dtype = _dtype(x)
        if _is_float(dtype):
            # torch.topk orders NaN above every number, for largest and smallest alike.
            x = _to_key(x, dtype, True)
        # Always both outputs, one taken: TVM 0.18's layout inference for topk gives two outputs
        # whatever ret_type says, so AlterOpLayout (after a dense, say) failed on a single one
        # ("new_out.size() == 1").
        both = relay.topk(x, k=attrs["k"], axis=attrs["axis"], ret_type="both",
                          is_ascend=not attrs["largest"], dtype="int64")
        y = both[0] if ret == "values" else both[1]
        return _from_key(y, dtype) if ret == "values" and _is_float(dtype) else y
    return lower


def _add(a, op, req):
    """x + y; x + x as x * 2 (the same value, exactly): TVM 0.18's SimplifyExpr makes that rewrite
    itself and leaves the subgraph's input behind as a free variable ("contains free variables"
    from relay.build)."""
    if op["args"][0] == op["args"][1] and op["dtype"] != "bool":
        return relay.multiply(a[0], relay.const(2, op["dtype"]))
    return relay.add(a[0], a[1])


def _sub(a, op, req):
    """x - y. TVM's simplifier folds x - x to 0, also where the two sides are equal expressions that
    CSE merges (x.max() - x.max()); PyTorch's is NaN at an infinity or NaN, so a float difference of
    equal sides is 0 only where that side is finite."""
    if _is_float(op["dtype"]) and (op["args"][0] == op["args"][1]
                                   or tvm.ir.structural_equal(a[0], a[1])):
        nan = relay.const(float("nan"), op["dtype"])
        return relay.where(relay.isfinite(a[0]), relay.zeros_like(a[0]), nan)
    return relay.subtract(a[0], a[1])


def _pad(a, op, req):
    w = op["attrs"]["pad_width"]
    return relay.nn.pad(a[0], pad_width=[[w[i], w[i + 1]] for i in range(0, len(w), 2)],
                        pad_value=relay.const(op["attrs"]["value"], op["dtype"]))


_SPECIAL = {
    "weight": _weight,
    "arange": _arange,
    "full": _full,
    "conv2d": _conv2d,
    "conv_transpose2d": _conv_transpose2d,
    "conv3d": _conv3d,
    "batch_norm": _batch_norm,
    "linear": _linear,
    "relu": _relu,
    "maximum": _extreme(relay.maximum),
    "minimum": _extreme(relay.minimum),
    "ne": _ne,
    "eq": _holds_when_equal(relay.equal),
    "le": _holds_when_equal(relay.less_equal),
    "ge": _holds_when_equal(relay.greater_equal),
    "logical_not": _logical_not,
    "max_pool2d": _max_pool2d,
    "max_pool3d": _max_pool3d,
    "reduce_max": _reduce_extreme(relay.max, True),
    "reduce_min": _reduce_extreme(relay.min, False),
    "argmax": _arg_extreme(relay.argmax, True),
    "argmin": _arg_extreme(relay.argmin, False),
    "cast": _cast,
    "clip": _clip,
    "cumsum": _cumsum,
    "cumprod": _cumprod,
    "gather": _gather,
    "floor_div": _int_division(relay.floor_divide, lambda x, dtype: relay.negative(x)),
    "mod": _int_division(relay.floor_mod, lambda x, dtype: relay.zeros_like(x)),
    "pow": _pow,
    "grid_sample": _grid_sample,
    "scatter_elements": _scatter_elements,
    "topk_values": _topk("values"),
    "topk_indices": _topk("indices"),
    "pad": _pad,
    "add": _add,
    "sub": _sub,
}


def _lower(lowering, a, op, req):
    """The Relay expression of one op, from its lowering in the op table (sent by RelayExport)."""
    e = _lower_call(lowering, a, op, req)
    if op["attrs"].get("ceil_mode") is True:
        # TVM's ceil mode keeps a last window that starts in the right padding, where PyTorch's
        # rule (the op's type) drops it: cut the result to the type's shape.
        want = [int(d) for d in op["shape"]]
        if _shape(e) != want:
            e = relay.strided_slice(e, begin=[0] * len(want), end=want)
    return e


def _lower_call(lowering, a, op, req):
    if "special" in lowering:
        return _SPECIAL[lowering["special"]](a, op, req)
    # A plain call relay.<fn>(operands, **kwargs): fn is the table's name of a Relay function.
    fn = relay
    for part in lowering["fn"].split("."):
        fn = getattr(fn, part)
    kwargs = {kw: op["attrs"][attr] for kw, attr in lowering.get("attrs", {}).items()}
    kwargs.update(lowering.get("consts", {}))
    return fn(a, **kwargs) if lowering.get("list") else fn(*a, **kwargs)


def _function(req):
    """The subgraph as a Relay module, its inputs and outputs in the layouts the request gives.

    An input with a "layout" (NCHW8c, say) arrives in that blocked layout and is transformed back
    to NCHW where the subgraph starts; an output with one in "output_layouts" leaves transformed
    into it. dynnc asks for this at the boundaries between subgraphs (BoundaryLayouts), and
    _CancelBoundaryTransforms then removes each such transform against the one TVM's layout pass
    puts next to it, so that an activation stays blocked from one subgraph's kernels to the next.
    """
    env = {}
    params = []
    for i in req["inputs"]:
        layout = i.get("layout")
        shape = _blocked(i["shape"], layout) if layout else i["shape"]
        v = relay.var("in%d" % i["id"], shape=shape, dtype=i["dtype"])
        env[i["id"]] = relay.layout_transform(v, layout, "NCHW") if layout else v
        params.append(v)
    # Weights shared with other subgraphs arrive as inputs bound once by the runtime.
    for w in req.get("weight_inputs", []):
        v = relay.var(w["name"], shape=w["shape"], dtype=w["dtype"])
        env[w["id"]] = v
        params.append(v)
    for op in req["ops"]:
        env[op["id"]] = _lower(req["lowerings"][op["op"]], [env[x] for x in op["args"]], op, req)
    outs = [env[o] for o in req["outputs"]]
    # Check Relay's view of every output against dynnc's shape inference before compiling.
    plain = relay.transform.InferType()(tvm.IRModule.from_expr(relay.Function(params, relay.Tuple(outs))))
    rtypes = list(plain["main"].checked_type.ret_type.fields)
    for o, t, expect in zip(req["outputs"], rtypes, req["output_types"]):
        got = ([int(d) for d in t.shape], str(t.dtype))
        if got != (expect["shape"], expect["dtype"]):
            raise ValueError("output %%%d: Relay infers %s but dynnc expects %s" % (o, got, (expect["shape"], expect["dtype"])))
    layouts = req.get("output_layouts") or [None] * len(outs)
    outs = [relay.layout_transform(x, "NCHW", l) if l else x for x, l in zip(outs, layouts)]
    body = outs[0] if len(outs) == 1 else relay.Tuple(outs)
    return relay.transform.InferType()(tvm.IRModule.from_expr(relay.Function(params, body)))


def _blocked(shape, layout):
    """The shape of an NCHW tensor in the blocked layout NCHW<k>c: (N, C/k, H, W, k)."""
    k = _block_factor(layout)
    n, c, h, w = shape
    if k is None or c % k:
        raise ValueError("layout %r does not fit shape %s" % (layout, shape))
    return [n, c // k, h, w, k]


def _block_factor(layout):
    """k for the layout NCHW<k>c, else None."""
    if isinstance(layout, str) and layout.startswith("NCHW") and layout.endswith("c") and layout[4:-1].isdigit():
        k = int(layout[4:-1])
        return k if k > 0 else None
    return None


def _until_layouts(mod, target, fold=True):
    """The module after the passes of relay.build's pipeline that lead up to TVM's layout pass,
    and that pass (AlterOpLayout), which puts the convolutions into the blocked layouts their
    schedules want.

    SimplifyExpr is left out (relay.build runs it afterwards): it took 2.5 of the 3 s of these
    passes on an msdnet subgraph, and it does not change the shapes of convolutions, which are all
    that AlterOpLayout's choices depend on. Without `fold`, the passes that only rewrite constants
    (FoldConstant, FoldScaleAxis) are left out too, for the same reason.
    """
    passes = [relay.transform.InferType(), relay.transform.SimplifyInference()]
    if fold:
        passes += [relay.transform.FoldConstant(), relay.transform.FoldScaleAxis()]
    passes += [relay.transform.CanonicalizeOps(), relay.transform.AlterOpLayout(),
               relay.transform.InferType()]
    with tvm.target.Target(target):
        with tvm.transform.PassContext(opt_level=3, config={"tir.disable_assert": True},
                                       disabled_pass=_NEVER_RUN):
            return tvm.transform.Sequential(passes)(mod)


_LAYOUT_TRANSFORM = tvm.ir.Op.get("layout_transform")


def _is_transform(e):
    return isinstance(e, relay.Call) and isinstance(e.op, tvm.ir.Op) and e.op.same_as(_LAYOUT_TRANSFORM)


def _relay_op(e):
    """The name of the Relay operator e calls, or None."""
    return e.op.name if isinstance(e, relay.Call) and isinstance(e.op, tvm.ir.Op) else None


def _out_of_blocked(e):
    """L if e is layout_transform(x, L, NCHW) for a blocked layout L, else None."""
    if _is_transform(e) and str(e.attrs.dst_layout) == "NCHW" and _block_factor(str(e.attrs.src_layout)):
        return str(e.attrs.src_layout)
    return None


# A boundary where any blocked layout costs nothing: an input that only poolings and elementwise
# ops read (_CancelBoundaryTransforms runs them blocked), or an output such ops compute from inputs.
_ANY = "any"


def _boundary_layouts(mod, target):
    """Where the subgraph, compiled with NCHW inputs and outputs, wants its boundaries blocked.

    Per input, the blocked layout TVM's layout pass transforms it into first, or that the ops
    reading it would run in once _CancelBoundaryTransforms has rewritten them: a residual add with
    a convolution's result, which AlterOpLayout transforms back to NCHW for the add, would run in
    the convolution's layout. Per output, the blocked layout it is transformed out of last, or the
    one an elementwise op computing it (a residual block's add and ReLU) would run in. _ANY where
    every reader is a pooling or such an op, so that any blocked layout costs nothing; None where
    NCHW is what TVM wants."""
    f = _until_layouts(mod, target, fold=False)["main"]
    params = {p.handle.value: i for i, p in enumerate(f.params)}
    readers = {}

    def visit(e):
        if isinstance(e, relay.Call):
            args = e.args
        elif isinstance(e, relay.Tuple):
            args = e.fields
        elif isinstance(e, relay.TupleGetItem):
            args = [e.tuple_value]
        else:
            return
        for a in args:
            readers.setdefault(a.handle.value, []).append(e)
    relay.analysis.post_order_visit(f.body, visit)

    def tensor(e):
        return isinstance(e.checked_type, relay.TensorType)

    def scalar(e):
        return tensor(e) and all(int(d) == 1 for d in e.checked_type.shape)

    def elementwise(r, e):
        """Whether r is an elementwise op that Sink can run blocked, e one of its operands of r's
        own shape (no broadcast between NCHW tensors)."""
        return (_relay_op(r) in _ELEMENTWISE_UNARY + _ELEMENTWISE_BINARY and tensor(e) and tensor(r)
                and [int(d) for d in e.checked_type.shape] == [int(d) for d in r.checked_type.shape])

    def votes(e, depth=0):
        """The layouts the readers of the NCHW value e would take it in."""
        out = []
        for r in readers.get(e.handle.value, []):
            if _is_transform(r) and str(r.attrs.src_layout) == "NCHW" and _block_factor(str(r.attrs.dst_layout)):
                out.append(str(r.attrs.dst_layout))
            elif (_relay_op(r) in _POOLS
                  and str(r.attrs.layout) == "NCHW" and str(r.attrs.out_layout) in ("", "NCHW")):
                out.append(_ANY)
            elif elementwise(r, e) and depth < 16:
                others = [o for o in r.args if not o.same_as(e)]
                if all(_out_of_blocked(o) or scalar(o) for o in others):
                    out += [_out_of_blocked(o) for o in others if _out_of_blocked(o)]
                    out += votes(r, depth + 1)
                else:
                    out.append(None)
            else:
                out.append(None)
        return out

    def natural(e, depth=0):
        """The blocked layout the output e is (or, rewritten, would be) computed in."""
        blocked = _out_of_blocked(e)
        if blocked or depth >= 16:
            return blocked
        if isinstance(e, relay.Var) and e.handle.value in params and len(e.checked_type.shape) == 4:
            return _ANY
        if (_relay_op(e) == "concatenate"
                and isinstance(e.args[0], relay.Tuple) and int(e.attrs.axis) in (1, -3)):
            found = {_out_of_blocked(f) for f in e.args[0].fields}
            return found.pop() if len(found) == 1 else None
        if not (isinstance(e, relay.Call) and e.args and all(elementwise(e, a) or scalar(a) for a in e.args)):
            return None
        found = set()
        for a in e.args:
            if scalar(a):
                continue
            n = natural(a, depth + 1)
            if n is None:
                return None
            if n != _ANY:
                found.add(n)
        return found.pop() if len(found) == 1 else (_ANY if not found else None)

    inputs = []
    for p in f.params:
        v = votes(p)
        blocked = [x for x in v if x and x != _ANY]
        if blocked:
            inputs.append(max(sorted(set(blocked)), key=blocked.count))
        else:
            inputs.append(_ANY if v and all(x == _ANY for x in v) else None)
    fields = list(f.body.fields) if isinstance(f.body, relay.Tuple) else [f.body]
    outputs = []
    for e in fields:
        n = natural(e)
        # An input returned as it is, or elementwise work on inputs alone, goes to the boundary in
        # whatever layout it came: no wish of its own.
        outputs.append(None if isinstance(e, relay.Var) else n)
    return {"inputs": inputs, "outputs": outputs}


@relay.transform.function_pass(opt_level=0, name="DynncCancelBoundaryTransforms")
class _CancelBoundaryTransforms:
    """layout_transform(layout_transform(x, A, B), B, A) -> x: the transform back to NCHW at a
    blocked boundary against the one into the blocked layout that AlterOpLayout put after it.
    And pool(layout_transform(x, NCHW<k>c, NCHW)) -> layout_transform(pool(x) in NCHW<k>c): a
    pooling that reads a blocked boundary pools the blocked activation as it arrives (TOPI's pools
    take NCHW<k>c), and only its smaller result goes back to NCHW, as TVM's layout pass does for a
    pooling behind a convolution in one graph. Elementwise ops of such transforms run blocked too
    (Sink), so that the transform back to NCHW moves past a residual add and its ReLU.

    Dataflow-pattern rewrites, which walk the graph in C++ and call back only at matches (a Python
    ExprMutator recurses once per op and failed, RecursionError, on a chain of 2,000). Each pattern
    is one op on a wildcard and the callback looks at the argument itself: a pattern of two nested
    ops does not match where the inner one has other consumers (a boundary input that a gate's
    pooling and a block's convolution both read), and then nothing was cancelled."""

    def transform_function(self, func, mod, ctx):
        from tvm.relay.dataflow_pattern import DFPatternCallback, is_op, rewrite, wildcard

        class Cancel(DFPatternCallback):
            def __init__(self):
                super().__init__(require_type=False)
                self.pattern = is_op("layout_transform")(wildcard())

            def callback(self, pre, post, node_map):
                inner = post.args[0]
                if (_is_transform(inner) and inner.attrs.src_layout == post.attrs.dst_layout
                        and inner.attrs.dst_layout == post.attrs.src_layout):
                    return inner.args[0]
                return post

        def any_of(ops):
            """A pattern matching a call of any of `ops`, (name, number of arguments) pairs."""
            pattern = None
            for op, arity in ops:
                p = is_op(op)(*[wildcard() for _ in range(arity)])
                pattern = p if pattern is None else pattern | p
            return pattern

        class PoolBlocked(DFPatternCallback):
            def __init__(self):
                super().__init__(require_type=False)
                self.pattern = any_of([(op, 1) for op in _POOLS])

            def callback(self, pre, post, node_map):
                inner = post.args[0]
                if not _is_transform(inner):
                    return post
                blocked = str(inner.attrs.src_layout)
                if (str(inner.attrs.dst_layout) != "NCHW" or not _block_factor(blocked)
                        or str(post.attrs.layout) != "NCHW" or str(post.attrs.out_layout) not in ("", "NCHW")):
                    return post
                return relay.layout_transform(_pool_in(post, inner.args[0], blocked), blocked, "NCHW")

        class Sink(DFPatternCallback):
            """op(layout_transform(a, B, NCHW), layout_transform(b, B, NCHW)) ->
            layout_transform(op(a, b), B, NCHW) for an elementwise op (and with one operand a scalar
            or of one element): a residual add and its ReLU run in the blocked layout, and the
            transform back moves to where something needs NCHW, often the end, where it cancels
            against the blocked output."""

            def __init__(self):
                super().__init__(require_type=True)
                self.pattern = any_of([(op, 1) for op in _ELEMENTWISE_UNARY]
                                      + [(op, 2) for op in _ELEMENTWISE_BINARY])

            def callback(self, pre, post, node_map):
                layout, args, moved = None, [], False
                for a, t in zip(post.args, [x.checked_type for x in pre.args]):
                    if _is_transform(a) and str(a.attrs.dst_layout) == "NCHW":
                        k = _block_factor(str(a.attrs.src_layout))
                        shape = [int(d) for d in t.shape]
                        # Same shape as the result (no broadcast between NCHW tensors, which would
                        # not be the same in blocked form), channels a multiple of the block.
                        if (k is None or shape != [int(d) for d in pre.checked_type.shape] or shape[1] % k
                                or layout not in (None, str(a.attrs.src_layout))):
                            return post
                        layout = str(a.attrs.src_layout)
                        args.append(a.args[0])
                        moved = True
                    elif all(int(d) == 1 for d in t.shape):
                        args.append(a if len(t.shape) == 0 else relay.reshape(a, [1] * 5))
                    else:
                        return post
                if not moved:
                    return post
                return relay.layout_transform(relay.Call(post.op, args, post.attrs), layout, "NCHW")

        class ConcatBlocked(DFPatternCallback):
            """concatenate((layout_transform(a, B, NCHW), ...), axis=1) ->
            layout_transform(concatenate((a, ...), axis=1), B, NCHW): a concatenation of blocked
            activations along the channels (BlockDrop's shortcut, the pooled input and its zeros)
            joins whole channel blocks, and the transform back moves past it. TVM fused the four
            transforms of the NCHW version into one slow kernel: 3.9 of the shortcut's 5.4 us."""

            def __init__(self):
                super().__init__(require_type=True)
                self.pattern = is_op("concatenate")(wildcard())

            def callback(self, pre, post, node_map):
                fields = post.args[0]
                layouts = {_out_of_blocked(f) for f in fields.fields} if isinstance(fields, relay.Tuple) else {None}
                if (len(layouts) != 1 or None in layouts or len(pre.checked_type.shape) != 4
                        or int(post.attrs.axis) not in (1, -3)):
                    return post
                blocked = relay.concatenate([f.args[0] for f in fields.fields], axis=1)
                return relay.layout_transform(blocked, layouts.pop(), "NCHW")

        func = rewrite(PoolBlocked(), func)
        func = rewrite(Sink(), func)
        # Sinking can bring a transform to a pooling's input (MoE's head pools the residual add of
        # a blocked expert's output): pool that blocked too.
        func = rewrite(PoolBlocked(), func)
        func = rewrite(ConcatBlocked(), func)
        return rewrite(Cancel(), func)


def _is_global_pool(e):
    return (_relay_op(e) == "nn.adaptive_avg_pool2d" and [int(v) for v in e.attrs.output_size] == [1, 1])


def _has_global_pool(mod):
    """Whether the function pools globally: an adaptive_avg_pool2d to 1x1 or a mean over H and W,
    which the layout pass may leave blocked (_FastGlobalPools)."""
    found = []

    def visit(e):
        if _is_global_pool(e) or (_relay_op(e) == "mean" and e.attrs.axis is not None
                                  and sorted(int(a) % 4 for a in e.attrs.axis) == [2, 3]
                                  and len(e.args[0].checked_type.shape) == 4):
            found.append(e)
    relay.analysis.post_order_visit(mod["main"], visit)
    return bool(found)


# The smallest feature map (H x W) whose blocked global average pooling _FastGlobalPools rewrites.
_FAST_POOL_MIN_PIXELS = 256


@relay.transform.function_pass(opt_level=0, name="DynncFastGlobalPools")
class _FastGlobalPools:
    """adaptive_avg_pool2d(x, 1x1) of a blocked activation x [N, C/k, H, W, k], or its mean over H
    and W -> two sums that vectorize: over H of [N, H, W*C] (x with its channel blocks moved
    innermost), then over W.

    TVM's schedule for the pooling accumulates each output element over H*W scalar loads, with the
    k lanes in the outer loop: SkipNet's gate pooled a 32x32x8 feature map in 4.5 us, two sums take
    0.6 us (38.3 to 6.2 us at 32x32x64, 1.75 to 0.24 us at 16x16x16). From 8x8 down TVM's own
    kernel is as fast or faster (0.09 us against 0.18 us), so smaller maps keep it."""

    def transform_function(self, func, mod, ctx):
        from tvm.relay.dataflow_pattern import DFPatternCallback, is_op, rewrite, wildcard

        def two_sums(x, shape, dtype, out_shape):
            n, cb, h, w, k = shape
            x = relay.transpose(x, (0, 2, 3, 1, 4))
            y = relay.sum(relay.reshape(x, (n, h, w * cb * k)), axis=1)
            y = relay.sum(relay.reshape(y, (n, w, cb * k)), axis=1)
            y = relay.multiply(y, relay.const(1.0 / (h * w), dtype))
            return relay.reshape(y, out_shape)

        class Pool(DFPatternCallback):
            def __init__(self):
                super().__init__(require_type=True)
                self.pattern = is_op("nn.adaptive_avg_pool2d")(wildcard())

            def callback(self, pre, post, node_map):
                layout = str(pre.attrs.layout)
                k = _block_factor(layout)
                shape = [int(d) for d in pre.args[0].checked_type.shape]
                if (not _is_global_pool(pre) or k is None or len(shape) != 5 or shape[4] != k
                        or str(pre.attrs.out_layout) not in ("", layout)
                        or shape[2] * shape[3] < _FAST_POOL_MIN_PIXELS):
                    return post
                return two_sums(post.args[0], shape, pre.checked_type.dtype, [int(d) for d in pre.checked_type.shape])

        class Mean(DFPatternCallback):
            """mean(x, axis=[2, 3]) of a blocked activation (MoE's gate, x.mean(dim=(2, 3)) behind a
            convolution): the same sums, the same slow schedule otherwise (4.6 us at 32x32x8)."""

            def __init__(self):
                super().__init__(require_type=True)
                self.pattern = is_op("mean")(wildcard())

            def callback(self, pre, post, node_map):
                shape = [int(d) for d in pre.args[0].checked_type.shape]
                axes = sorted(int(a) % 5 for a in pre.attrs.axis) if pre.attrs.axis is not None else None
                if (len(shape) != 5 or axes != [2, 3] or bool(pre.attrs.exclude)
                        or shape[2] * shape[3] < _FAST_POOL_MIN_PIXELS):
                    return post
                return two_sums(post.args[0], shape, pre.checked_type.dtype, [int(d) for d in pre.checked_type.shape])

        return rewrite(Mean(), rewrite(Pool(), func))


_ELEMENTWISE_UNARY = ("nn.relu", "tanh", "sigmoid", "exp", "abs", "negative", "sqrt", "rsqrt", "log", "clip",
                      "erf", "floor", "ceil", "round", "nn.leaky_relu")
_ELEMENTWISE_BINARY = ("add", "subtract", "multiply", "divide", "maximum", "minimum", "power")


# The poolings dynnc lowers to (max_pool2d reads its input through the NaN-preserving integer key,
# never straight from a transform), each made again on an input held in the blocked `layout`.
_POOLS = {
    "nn.adaptive_avg_pool2d": lambda x, a, layout: relay.nn.adaptive_avg_pool2d(
        x, output_size=[int(s) for s in a.output_size], layout=layout, out_layout=layout),
    "nn.avg_pool2d": lambda x, a, layout: relay.nn.avg_pool2d(
        x, pool_size=[int(v) for v in a.pool_size], strides=[int(v) for v in a.strides],
        dilation=[int(v) for v in a.dilation], padding=[int(v) for v in a.padding], layout=layout,
        out_layout=layout, ceil_mode=bool(a.ceil_mode), count_include_pad=bool(a.count_include_pad)),
}


def _pool_in(call, x, layout):
    """The pooling `call` made again on `x`, which holds its input in `layout`."""
    return _POOLS[call.op.name](x, call.attrs, layout)


def _build(req):
    if req.get("kind") == "native":
        _native(req)
        return
    with open(req["weights_file"], "rb") as fh:
        req["weights_blob"] = fh.read()
    mod = _function(req)
    target = host_target(req["target"])
    if req.get("query") == "layouts":
        tmp = req["output"] + ".partial"
        with open(tmp, "w") as fh:
            json.dump(_boundary_layouts(mod, target), fh)
        os.replace(tmp, req["output"])
        with open(req["relay_file"], "w") as fh:
            fh.write("")
        return
    mod = _boundary_passes(req, mod, target)
    # tir.disable_assert drops the argument checks of every kernel's packed entry point (about 300
    # messages, 75 KiB per library): only the graph executor calls the kernels, always with the
    # buffers it planned, and the runtime checks every input's type before set_input.
    # link-params: the weights compiled into this subgraph become constant data of the library,
    # which every graph executor reads in place, instead of a parameter blob that each executor
    # copies into storage of its own (one copy per thread that runs the bundle).
    # TVM 0.18 cannot link a bool constant ("The allocated data type (bool) does not match"): such
    # a subgraph is built again with its weights as a parameter blob, as before link-params.
    lib = _relay_build(mod, target)
    if req.get("tune") is not None:
        lib = _tune_and_choose(mod, target, lib, req)
    tmp = req["output"] + ".partial.so"
    # -s: no symbol table and no debug information (TVM emits DWARF); the dynamic symbols the
    # runtime looks up stay.
    lib.export_library(tmp, options=["-s"])
    os.replace(tmp, req["output"])
    with open(req["relay_file"], "w") as fh:
        fh.write("// target: " + str(target) + "\n")
        if isinstance(target, str) and target.split()[0] == "llvm":
            # The instruction set the kernels may use: the bundle's manifest records it, and the
            # runtime refuses the bundle on a CPU without it (instead of an illegal instruction).
            fh.write("// cpu features: " + " ".join(_cpu_features(target)) + "\n")
        fh.write(mod.astext(show_meta_data=False))


def _boundary_passes(req, mod, target):
    """The subgraph's boundary transforms cancelled against TVM's layout pass, and global pools
    made fast, before relay.build (see _CancelBoundaryTransforms and _FastGlobalPools)."""
    blocked = any(i.get("layout") for i in req["inputs"]) or any(req.get("output_layouts") or [])
    if blocked or _has_global_pool(mod):
        passes = ([_CancelBoundaryTransforms()] if blocked else []) + [_FastGlobalPools()]
        with tvm.target.Target(target):
            with tvm.transform.PassContext(opt_level=3, config={"tir.disable_assert": True}):
                mod = tvm.transform.Sequential(passes + [relay.transform.FoldConstant(), relay.transform.InferType()])(
                    _until_layouts(mod, target))
    return mod


# --native-host: the whole host program as one native function (rule NATIVE-HOST). The compiler
# sends the host plan (blocks of host ops, subgraph calls and terminators; each op as the semantic
# method that computes it, PyScalar.mul say, with the kinds its operands are converted to) and
# every subgraph's own request. Each subgraph is built by relay as for its library, with symbols of
# its own (mod_name sgK), as far as its kernels in TIR; the kernels of all the subgraphs are pooled,
# each distinct one kept once (_KernelPool). A TIR function written here then runs the plan: it
# calls each subgraph's kernels in its graph's order on buffers laid out as its graph's storage plan
# says (direct C calls with the buffers' addresses, as TVM's AOT executor makes them with its
# unpacked API), evaluates the host ops, follows the branches
# and jumps, and at a return copies the leaves into the outputs of that return site, with the site's
# number as the status. An op that raises where its Java method throws (_native_method) ends the
# run instead with -2 - its number as the status and its operands in the slot outputs, and the host
# program repeats it there. TVM's LLVM backend compiles it into the
# same library as the kernels, exposed as a graph of one node, so the runtime loads and runs it as
# any subgraph. Measured in samples/bench/README.md (the probe it grew from: probes/native_loop.py).

class NativeUnsupported(Exception):
    """The plan needs something the native host program does not do; the compiler keeps the JVM
    host program and says why."""


_MAX_COPIED_PARAM = 1 << 16  # elements of a tensor a jump copies into a block parameter


def _native_cmp(name):
    """Python's comparison `name` of two ints or two floats, but != of floats (_native_negate)."""
    return {
        "lt": lambda a, b: a < b, "le": lambda a, b: a <= b, "gt": lambda a, b: a > b,
        "ge": lambda a, b: a >= b, "eq": lambda a, b: a == b, "ne": lambda a, b: a != b,
    }[name]


def _native_negate(cond, steps, temp):
    """`not cond` for a cond that compares floats, true where a NaN made cond false: 0 == the
    truth of cond stored in memory (appended to steps). Written as not, TVM's simplifier rewrites
    not (a == b) into a != b, and not (a < b) into a >= b, which LLVM compares ordered, false at a
    NaN."""
    t = temp("int32")
    steps.append(tir.BufferStore(t, tir.Cast("int32", cond), [0]))
    return t[0] == 0


def _native(req):
    target = host_target(req["target"])
    if tvm.target.Target(target).kind.name != "llvm":
        raise NativeUnsupported("native host programs are built for CPU targets only")
    plan = req["plan"]
    sreqs = []
    for path in req["subgraphs"]:
        with open(path) as fh:
            sreqs.append(json.load(fh))
    linked = _linked_subgraphs(sreqs)
    kernels = _KernelPool()
    lows, graphs = [], []
    for k, sreq in enumerate(sreqs):
        with open(sreq["weights_file"], "rb") as fh:
            sreq["weights_blob"] = fh.read()
        mod = _boundary_passes(sreq, _function(sreq), target)
        # Unlinked, the constants TVM folded (weights pre-packed for their kernels) come back as
        # parameters, which go into the bundle once however many subgraphs hold them (below).
        low = _relay_build(mod, target, mod_name="sg%d" % k, link_params=linked[k], lowered=True)
        del sreq["weights_blob"]
        lows.append(low)
        graphs.append(kernels.add_graph(json.loads(low.graph_json), low.funcs, shareable=not linked[k],
                                        subgraph=k))
    params, param_of = _unique_params([{n: v.numpy() for n, v in low.params.items()} for low in lows])
    kernel_libs = kernels.build(target, _weight_bytes(sreqs))
    func, outputs, arena_len = _native_function(plan, graphs, param_of, len(params), kernels.packed)
    with tvm.transform.PassContext(config={"tir.disable_assert": True}):
        driver = tvm.build(tvm.IRModule({"dynnc_native": func}), target=tvm.target.Target(_driver_target(target, kernels.code_heavy)))
    for lib in kernel_libs:
        driver.import_module(lib)
    nodes = [{"op": "null", "name": "in%d" % v, "inputs": []} for v in plan["inputs"]]
    # Weights shared between subgraphs: inputs of the native function too, which the runtime binds
    # once (weights/shared.bin), as it binds them to the subgraphs of a Java host program.
    nodes += [{"op": "null", "name": "sw%d" % j, "inputs": []} for j in range(len(plan.get("shared", [])))]
    # The subgraphs' folded constants, each distinct one once: inputs too, bound once from the
    # bundle's weights file (req["params_file"]) and read in place by every executor.
    nodes += [{"op": "null", "name": "np%d" % j, "inputs": []} for j in range(len(params))]
    n_in = len(nodes)
    nodes.append({"op": "tvm_op", "name": "dynnc_native",
                  "attrs": {"func_name": "dynnc_native", "flatten_data": "0",
                            "num_inputs": str(n_in), "num_outputs": str(len(outputs) + 1)},
                  "inputs": [[i, 0, 0] for i in range(n_in)]})
    ins = [_native_value(plan, v) for v in plan["inputs"]]
    ins += [(tuple(w["shape"]), w["dtype"]) for w in plan.get("shared", [])]
    ins += [(a.shape, str(a.dtype)) for a in params]
    # the node's outputs: the plan's, then the arena, which is no output of the graph
    shapes = [list(sh) for sh, _ in ins] + [list(sh) for sh, _ in outputs] + [[arena_len]]
    dtypes = [dt for _, dt in ins] + [dt for _, dt in outputs] + ["int64"]
    graph = {
        "nodes": nodes, "arg_nodes": list(range(n_in)), "heads": [[n_in, j, 0] for j in range(len(outputs))],
        "node_row_ptr": list(range(n_in + 1)) + [n_in + len(outputs) + 1],
        "attrs": {"storage_id": ["list_int", list(range(len(shapes)))],
                  "shape": ["list_shape", shapes], "dltype": ["list_str", dtypes]},
    }
    factory = tvm.relay.backend.executor_factory.GraphExecutorFactoryModule(
        None, tvm.target.Target(target), relay.backend.Executor("graph"), json.dumps(graph, separators=(",", ":")), driver,
        "default", {}, {})
    tmp = req["output"] + ".partial.so"
    # -z now: every symbol is bound when the library loads, so one the runtime lacks fails the load
    # (here, below, with an error) instead of aborting the process at its first call.
    script = tmp + ".exports"
    with open(script, "w") as fh:
        fh.write(_NATIVE_EXPORTS)
    try:
        factory.export_library(tmp, options=["-s", "-Wl,-z,now", "-Wl,--version-script=" + script])
    finally:
        os.remove(script)
    tvm.runtime.load_module(tmp)["default"](tvm.cpu())
    _write_params(params, req["params_file"], req["params_index"])
    os.replace(tmp, req["output"])
    with open(req["relay_file"], "w") as fh:
        fh.write("// target: " + str(target) + "\n")
        fh.write("// cpu features: " + " ".join(_cpu_features(target)) + "\n")
        fh.write("// native host program: the subgraphs' kernels and the host program in one function\n")
        fh.write("// kernels compiled with -O2, whose -O3 code is much larger: " + (" ".join(kernels.smaller) or "none") + "\n")
        fh.write(str(func))


# The symbols a native host program's library exports: the native function, which the graph
# executor looks up, and TVM's own (the module blob, the runtime's function pointers that the
# loader fills in). The kernels stay local: the native function calls them directly, not through
# the procedure linkage table, and their long names leave the dynamic symbol table.
_NATIVE_EXPORTS = "{ global: dynnc_native; __tvm_*; __TVM*; local: *; };\n"


def _driver_target(target, code_heavy):
    """The target the native function is compiled for: LLVM's -O1 in a code-heavy model's library
    (_KernelPool.code_heavy) unless the target names a level, else the target as it is.

    The native function is a straight line of kernel calls, branches on scalars and copies, which
    LLVM turns into memcpy calls at -O1 as at -O3. At -O3 its code was 10% larger
    (caption_decoder, 2026-12-05), and it ran 0.5-1.3% faster on blockdrop and alike on act_rnn
    (interleaved)."""
    if not code_heavy or "-opt-level=" in target:
        return target
    return target + " -opt-level=1"


class _KernelPool:
    """The kernels of a native host program's subgraphs, each distinct one compiled once.

    relay builds every subgraph on its own, so a kernel that several subgraphs have (the layers of
    deebert's four exits, one transformer layer each; caption_decoder's repeated decoder step)
    was compiled into the library once per subgraph: deebert's held 96 kernels, 29 of them distinct.
    Here the subgraphs' lowered kernels (TIR) are pooled, two structurally equal ones (same loops,
    same buffers, the weights as arguments) are kept once, and the pool is compiled into one
    library. A kernel with linked weights reads them as constants of its own, and is never shared.

    The kernels are compiled with TVM's unpacked API, each a C function of its buffers' addresses,
    which the native function calls directly: packing a call's arguments (a DLTensor per buffer,
    ten stores each) was most of the native function's code, 44 KB of deebert's 85 KB. A kernel
    whose buffers' shapes it reads from its arguments (top-k's k, bound from its output's shape)
    keeps the packed API (`packed`)."""

    def __init__(self):
        self.funcs = {}   # name -> PrimFunc, the kernels compiled
        self.by_hash = {}  # structural hash -> names of the shareable kernels with it
        self.packed = set()  # the names of the kernels that keep the packed API
        self.smaller = []  # the names of the kernels compiled with -O2 (_by_code_size)
        self.code_heavy = False  # whether the kernels' code came to more than _CODE_SHARE of the weights

    def add(self, kernel, func, shareable):
        """The name the pool compiles `func` (named `kernel`) under."""
        if kernel in self.funcs:
            raise NativeUnsupported("two subgraphs have a kernel named %s" % kernel)
        if shareable:
            bare = func.without_attr("global_symbol")
            h = tvm.ir.structural_hash(bare)
            for other in self.by_hash.get(h, []):
                if tvm.ir.structural_equal(bare, self.funcs[other].without_attr("global_symbol")):
                    return other
            self.by_hash.setdefault(h, []).append(kernel)
        self.funcs[kernel] = func
        if not all(_static_buffer(b) for b in func.buffer_map.values()):
            self.packed.add(kernel)
        return kernel

    def add_graph(self, graph, funcs, shareable, subgraph):
        """Pools the kernels `funcs` of a subgraph's graph (executor JSON, as a dict) and returns the
        graph with each node calling its kernel by the pool's name for it."""
        names = {n: self.add(n, f, shareable) for n, f in sorted(funcs.items())}
        for node in graph["nodes"]:
            if node["op"] == "tvm_op" and node["attrs"]["func_name"] != "__nop":
                name = node["attrs"]["func_name"]
                if name not in names:
                    raise NativeUnsupported("subgraph sg%d calls %s, which relay did not lower to TIR"
                                            % (subgraph, name))
                node["attrs"]["func_name"] = names[name]
        return graph

    def build(self, target, weight_bytes):
        """The pooled kernels compiled (TIR to machine code, as relay.build's last step does; the
        kernels are lowered already): modules of those with the unpacked API (see _by_code_size)
        and one of those with the packed API, where there are any. Should TVM fail to give the
        kernels the unpacked API, they all keep the packed one (and `packed` says so)."""
        try:
            unpacked = self._by_code_size(target, [n for n in self.funcs if n not in self.packed], weight_bytes)
        except tvm.TVMError:
            self.packed.update(self.funcs)
            unpacked = []
        return unpacked + self._compile(target, sorted(self.packed), True)

    def _by_code_size(self, target, kernels, weight_bytes):
        """The kernels compiled with LLVM's -O3 (TVM's default). In a code-heavy model, whose
        kernels' -O3 code comes to more than _CODE_SHARE of its weights' bytes, those whose code
        -O3 makes much larger than -O2 does (_UNROLLED) are compiled with -O2.

        TVM's schedules already block and unroll a kernel's loops for the registers; -O3 then
        unrolls some loops whole. caption_decoder's 16x32x24 dense became 18 KB of code at -O3
        and 8.9 KB at -O2, a third of the library's kernel code; the pooling kernels of sdn,
        skipnet and blockdrop grew two to four times. -O2 costs a little time, though: blockdrop
        ran 0.5-1.4% slower with its two pooling kernels and a convolution at -O2 (interleaved),
        so only a model whose code weighs in its bundle pays it. The choice depends on the code
        and the weights only, so the same model always gives the same library."""
        if not kernels:
            return []
        full = self._compile(target, kernels, False)
        if "-opt-level=" in target:
            return full
        full_sizes = _function_sizes(full)
        self.code_heavy = sum(full_sizes.get(n, 0) for n in kernels) > _CODE_SHARE * weight_bytes
        if not self.code_heavy:
            return full
        smaller = target + " -opt-level=2"
        small = self._compile(smaller, kernels, False)
        small_sizes = _function_sizes(small)
        o2 = sorted(n for n in kernels if _unrolled(full_sizes.get(n), small_sizes.get(n)))
        self.smaller = o2
        if len(o2) == len(kernels):
            return small
        if not o2:
            return full
        return (self._compile(target, [n for n in kernels if n not in o2], False)
                + self._compile(smaller, o2, False))

    def _compile(self, target, kernels, packed):
        if not kernels:
            return []
        from tvm.driver import _ffi_api as driver_api
        t = tvm.target.Target(target, host=target)
        mod = tvm.IRModule({n: self.funcs[n] for n in kernels}).with_attr("runtime", relay.backend.Runtime("cpp"))
        mod = mod.with_attr("executor", relay.backend.Executor("aot", {"unpacked-api": not packed}))
        with tvm.transform.PassContext(opt_level=3, config={"tir.disable_assert": True}):
            return [driver_api.tir_to_runtime({t: mod}, t)]


# A model's library is code-heavy when its kernels' code (at -O3) is more than this share of its
# weights' bytes: a bundle of at most 1.2 times its tensors leaves a fifth of them for the rest.
# Of the ten samples, caption_decoder (54 KB of kernel code, 124 KB of weights) and act_rnn are;
# the others' kernels come to 9-19% of their weights.
_CODE_SHARE = 0.2

# A code-heavy model's kernel is compiled with -O2 when -O3 makes its code at least this much
# larger, in bytes and as a ratio. Over the ten samples' kernels (2026-12-05) 28 would qualify,
# dense, pooling and convolution kernels, 4 of them caption_decoder's; the -O2 code of each is
# what TVM's schedule wrote, its loops kept as loops where -O3 repeated their body.
_UNROLLED = (512, 1.5)


def _unrolled(o3, o2):
    """Whether a kernel's -O3 code (bytes) is enough larger than its -O2 code to prefer -O2."""
    return o3 is not None and o2 is not None and o3 - o2 >= _UNROLLED[0] and o3 >= _UNROLLED[1] * o2


def _function_sizes(mods):
    """Function name -> bytes of machine code, over the LLVM modules `mods` (their object files'
    symbol tables)."""
    sizes = {}
    for m in mods:
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "kernels.o")
            m.save(path)
            with open(path, "rb") as fh:
                sizes.update(_elf_function_sizes(fh.read()))
    return sizes


def _elf_function_sizes(elf):
    """Name -> size of every function symbol of a 64-bit little-endian ELF object."""
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF object")
    shoff, = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", elf, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]
    sizes = {}
    for _, kind, _, _, offset, size, link, _, _, entsize in sections:
        if kind != 2:  # SHT_SYMTAB
            continue
        strtab = sections[link]
        for at in range(offset, offset + size, entsize or 24):
            name, info, _, _, _, sym_size = struct.unpack_from("<IBBHQQ", elf, at)
            if info & 0xF == 2:  # STT_FUNC
                start = strtab[4] + name
                sizes[elf[start:elf.index(b"\0", start)].decode()] = sym_size
    return sizes


def _static_buffer(b):
    """Whether a kernel's buffer has a constant shape, strides and offset: a kernel with the
    unpacked API receives only the buffer's address, so it cannot read them from its argument."""
    return (all(isinstance(d, tir.IntImm) for d in list(b.shape) + list(b.strides))
            and isinstance(b.elem_offset, tir.IntImm))


# A native host program whose weights come to less than this links them into its kernels; a larger
# one keeps every subgraph's weights unlinked, as parameters stored once (_unique_params), and its
# kernels shareable between subgraphs (_KernelPool). Linked constants are a little cheaper to call:
# unlinked ones are more arguments of the native function, which made act_rnn's runs 1-12% slower
# (median 4%, 40 ns of 1-2 us, interleaved; 6 KB of weights), where its code, not its weights, is
# most of its bundle. On deebert (177 KB) and caption_decoder the two run alike; linked, deebert's
# four exits each held their own copy of the same layer's kernels (96 kernels, 29 distinct) and
# caption_decoder's library held its repeated decoder step's weights three times.
_LINK_MAX_BYTES = 16 * 1024


def _linked_subgraphs(sreqs):
    """Per subgraph request, whether to link its constants into its kernels: all of them when the
    weights of all the subgraphs, each counted once, come to less than _LINK_MAX_BYTES, else none."""
    return [_weight_bytes(sreqs) < _LINK_MAX_BYTES] * len(sreqs)


def _weight_bytes(sreqs):
    """The bytes of the weights of all the subgraphs, each counted once."""
    sizes = {}
    for sreq in sreqs:
        for key, w in sreq["weights"].items():
            sizes[key] = int(np.prod(w["shape"], dtype=np.int64)) * np.dtype(w["dtype"]).itemsize
    return sum(sizes.values())


# The dtypes a bundle's weights file holds (the runtime's HostTensor).
_PARAM_DTYPES = ("float32", "float64", "int64", "int32", "bool", "uint8")


def _unique_params(consts):
    """The distinct arrays among the subgraphs' parameters `consts` (one dict of name -> array per
    subgraph), by dtype, shape and bytes, and per subgraph its parameter name -> index into them.
    A decoder step that three subgraphs repeat keeps its weights once, not three times."""
    unique, index, of = [], {}, []
    for c in consts:
        m = {}
        for param in sorted(c):
            a = np.ascontiguousarray(c[param])
            if str(a.dtype) not in _PARAM_DTYPES:
                raise NativeUnsupported("TVM folded a constant of dtype %s, which a bundle's weights file "
                                        "does not hold" % a.dtype)
            key = (str(a.dtype), a.shape, hashlib.sha256(a.tobytes()).digest())
            if key not in index:
                index[key] = len(unique)
                unique.append(a)
            m[param] = index[key]
        of.append(m)
    return unique, of


def _write_params(params, path, index_path):
    """The parameters, little-endian, each at a 64-byte aligned offset, into `path`; their dtypes,
    shapes and offsets, as JSON, into `index_path`."""
    index, offset = [], 0
    with open(path, "wb") as fh:
        for a in params:
            pad = -offset % 64
            fh.write(b"\0" * pad)
            offset += pad
            data = a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes()
            fh.write(data)
            index.append({"dtype": str(a.dtype), "shape": list(a.shape), "offset": offset})
            offset += len(data)
    with open(index_path, "w") as fh:
        json.dump(index, fh)


def _native_value(plan, v):
    info = plan["values"][str(v)]
    return tuple(info.get("shape", [])), info["dtype"]


def _native_function(plan, graphs, param_of, n_params, packed_kernels=frozenset()):
    """The TIR function of the host plan, and its outputs' (shape, dtype): every return site's
    tensor leaves in order, then the status array: the status (the site taken, or -2 - k where op k
    raised), the sites' scalar leaves, and the slots that hold the operands of the op that raised
    (plan["slots"]), 64 bits each (_packed). `param_of[k]` maps each
    parameter of subgraph k (a weight TVM folded) to its index among the `n_params` parameter
    inputs, which follow the shared weights. Also returns the length in int64s of the arena, the
    function's last argument, which holds every buffer of the body."""
    values = plan["values"]
    allocs = []  # (pointer, offset in int64 units into the arena) of each buffer of the body
    arena_size = [0]

    def local(name, shape, dtype):
        # Every buffer starts 64-byte aligned, as the kernels assume of their arguments (the graph
        # executor's allocations are): storage in whole 64-byte units, which TVM's stack and
        # workspace allocations align to 64 bytes.
        n = 1
        for d in shape:
            n *= int(d)
        # All of them are slices of one arena, which the graph executor allocates once (a TVM
        # workspace per buffer cost 1.8 us a run on act_rnn's 73 buffers).
        units = max(1, (n * ((tvm.DataType(dtype).bits + 7) // 8) + 63) // 64)
        ptr = tir.Var(name + "_ptr", tvm.ir.PointerType(tvm.ir.PrimType("int64")))
        allocs.append((ptr, arena_size[0]))
        arena_size[0] += units * 8
        return tir.decl_buffer(_nz(shape), dtype, name=name, data=ptr)

    inputs = {}
    for v in plan["inputs"]:
        shape, dtype = _native_value(plan, v)
        inputs[v] = tir.decl_buffer(_nz(shape), dtype, name="in%d" % v)
    # plan["shared"]: the weights subgraphs share, inputs after the plan's; plan["weight_inputs"][k]:
    # subgraph k's graph input of each shared weight it reads -> its index in plan["shared"]
    shared_bufs = [tir.decl_buffer(_nz(w["shape"]), w["dtype"], name="sw%d" % j)
                   for j, w in enumerate(plan.get("shared", []))]
    weight_inputs = plan.get("weight_inputs", [])
    param_bufs = [None] * n_params  # declared where a subgraph first reads one (its shape, dtype)
    tensors = dict(inputs)  # value id -> buffer of a tensor value
    scalars = {}  # value id -> 1-element local buffer of a host scalar (int64, float64, int32 bool)

    def scalar_buf(v):
        if v not in scalars:
            dt = values[str(v)]["dtype"]
            kind = "float64" if dt.startswith("float") else "int32" if dt == "bool" else "int64"
            scalars[v] = local("s%d" % v, (1,), kind)
        return scalars[v]

    # The shape each tensor value is stored in: a subgraph's output as its graph has it (blocked,
    # NCHW8c say, where dynnc passes it blocked to the next subgraph), a block parameter as the
    # arguments jumps pass it.
    stored = {}
    for _ in range(len(plan["blocks"]) + 1):
        for b in plan["blocks"]:
            call = b.get("call")
            if call:
                g = graphs[call["subgraph"]]
                rowptr = g["node_row_ptr"]
                for h, v in zip(g["heads"], call["results"]):
                    e = rowptr[h[0]] + h[1]
                    stored[v] = (tuple(g["attrs"]["shape"][1][e]), g["attrs"]["dltype"][1][e])
            t = b["term"]
            pairs = []
            if t["kind"] == "jump":
                pairs = [(t["target"], t["args"])]
            elif t["kind"] == "branch":
                pairs = [(t["then"], t["then_args"]), (t["else"], t["else_args"])]
            for target, args in pairs:
                for p_, a in zip(plan["blocks"][target]["params"], args):
                    if a in stored:
                        stored[p_] = stored[a]

    def tensor_buf(v, shape=None, dtype=None):
        if v not in tensors:
            sh, dt = stored.get(v) or _native_value(plan, v)
            tensors[v] = local("t%d" % v, shape if shape is not None else sh, dtype or dt)
        return tensors[v]

    def is_scalar(v):
        return values[str(v)].get("scalar", False)

    def numel(b):
        n = 1
        for d in b.shape:
            n *= int(d)
        return n

    def copy(dst, src):
        if numel(dst) != numel(src) or dst.dtype != src.dtype:
            raise NativeUnsupported("a value changes type between blocks")
        n = numel(dst)
        i = tir.Var("i", "int32")
        d = tir.decl_buffer((n,), dst.dtype, data=dst.data)
        sb = tir.decl_buffer((n,), src.dtype, data=src.data)
        return tir.For(i, 0, n, tir.ForKind.SERIAL, tir.BufferStore(d, tir.BufferLoad(sb, [i]), [i]))

    # The graphs' internal storage, one allocation per storage id of each subgraph.
    entries = []
    for k, g in enumerate(graphs):
        sids, shapes, dts = g["attrs"]["storage_id"][1], g["attrs"]["shape"][1], g["attrs"]["dltype"][1]
        size = {}
        for e, sid in enumerate(sids):
            n = 1
            for d in shapes[e]:
                n *= d
            size[sid] = max(size.get(sid, 0), n * ((tvm.DataType(dts[e]).bits + 7) // 8))
        store = {sid: local("g%d_s%d" % (k, sid), (max(1, (size[sid] + 7) // 8),), "int64") for sid in size}
        entries.append({e: tir.decl_buffer(_nz(shapes[e]), dts[e], name="g%d_e%d" % (k, e), data=store[sid].data)
                        for e, sid in enumerate(sids)})

    # The outputs: each site's tensor leaves, then the status array (NativeHost.statusType): the
    # run's end (the return site taken, 0, 1, ..., or -2 - k where op k raised), then every site's
    # scalar leaves and the slots, 64 bits each (_packed).
    out_bufs, out_types = [], []
    site_bufs = []  # per site, per leaf: its output buffer, or its element of the status array
    packed = 0
    for s, leaves in enumerate(plan["sites"]):
        bufs = []
        for j, v in enumerate(leaves):
            if is_scalar(v):
                packed += 1
                bufs.append(packed)
                continue
            shape, dtype = _native_value(plan, v)
            b = tir.decl_buffer(_nz(shape), dtype, name="out%d_%d" % (s, j))
            bufs.append(b)
            out_bufs.append(b)
            out_types.append((tuple(shape), dtype))
        site_bufs.append(bufs)
    first_slot = packed + 1
    status_len = first_slot + len(plan["slots"])
    status_out = tir.decl_buffer((status_len,), "int64", name="status")
    out_types += [((status_len,), "int64")]

    block_var = local("block", (1,), "int32")

    # The slots of a raising op's operands: it stores them there, and the host program repeats the
    # op on them, so that the error is the JVM host program's own, message and source position.
    slot_dtypes = [s["dtype"] for s in plan["slots"]]

    def read(v):
        b = scalar_buf(v)
        return b[0]

    temps_made = [0]

    def temp(dtype):
        """A fresh one-element local: a value that must go through memory, where TVM's simplifier,
        which takes signed ints as never overflowing, cannot rewrite the test that uses it."""
        temps_made[0] += 1
        return local("tmp_%d" % temps_made[0], (1,), dtype)

    def raise_stmt(op):
        stmts = []
        for a, j in zip(op["args"], op["slots"]):
            stmts.append(tir.BufferStore(status_out, _packed(read(a), slot_dtypes[j]), [first_slot + j]))
        return _seq(stmts + [_native_raise(status_out, block_var, op["raise"])])

    def op_stmt(op):
        """The op's statements, in order; a _RaiseIf among them ends the run where its condition
        holds (fold nests what follows in the branch where it does not)."""
        fn, v = op["fn"], op["id"]
        if fn == "const":
            dst = scalar_buf(v)
            x = float(op["value"]) if dst.dtype == "float64" else int(op["value"])
            return [tir.BufferStore(dst, tir.const(x, dst.dtype), [0])]
        if fn == "item":
            src = tensor_buf(op["args"][0])
            flat = tir.decl_buffer((numel(src),), src.dtype, data=src.data)
            dst = scalar_buf(v)
            x = tir.BufferLoad(flat, [0])
            x = tir.Cast("int32", x != tir.const(0, x.dtype)) if src.dtype == "bool" else tir.Cast(dst.dtype, x)
            return [tir.BufferStore(dst, x, [0])]
        if fn == "upload":
            dst = tensor_buf(v, (), values[str(v)]["dtype"])
            x = read(op["args"][0])
            return [tir.BufferStore(dst, tir.Cast(dst.dtype, x) if dst.dtype != "bool" else x != 0, [0])]
        raise_ = raise_stmt(op) if op["raise"] >= 0 else None
        steps, args = [], []
        # One value as two operands (c != c, s - s) is read from two copies: TVM's simplifier
        # takes x == x as true and x - x as 0, which NaN and the infinities are not.
        twice = len(set(op["args"])) < len(op["args"])
        for a, want in zip(op["args"], op["params"]):
            x = read(a)
            if twice:
                copy_ = temp(scalar_buf(a).dtype)
                steps.append(tir.BufferStore(copy_, x, [0]))
                x = copy_[0]
            have = _native_kind(values[str(a)]["dtype"])
            if have != want:
                x = _native_convert(x, have, want, steps, temp, raise_)
            args.append(x)
        dst = scalar_buf(v)
        if fn == "id":
            return steps + [tir.BufferStore(dst, args[0], [0])]
        cls, method = fn.split(".")
        return steps + _native_method(cls, method, op["params"], args, dst, temp, raise_)

    def param_buf(k, i, name):
        j = param_of[k][name]
        if param_bufs[j] is None:
            shape, dtype = graphs[k]["attrs"]["shape"][1][i], graphs[k]["attrs"]["dltype"][1][i]
            param_bufs[j] = tir.decl_buffer(_nz(shape), dtype, name="np%d" % j)
        return param_bufs[j]

    def call_stmts(call):
        k = call["subgraph"]
        g, ent = graphs[k], dict(entries[k])
        nodes, rowptr = g["nodes"], g["node_row_ptr"]
        out = []
        arg_nodes = g["arg_nodes"]
        bound = weight_inputs[k] if k < len(weight_inputs) else {}
        if len(arg_nodes) != len(call["args"]) + len(param_of[k]) + len(bound):
            raise NativeUnsupported("subgraph sg%d takes inputs the plan does not pass" % k)
        args = iter(call["args"])
        for i in arg_nodes:
            weight = nodes[i]["name"]
            if weight in param_of[k]:
                ent[rowptr[i]] = param_buf(k, rowptr[i], weight)
            elif weight in bound:
                ent[rowptr[i]] = shared_bufs[bound[weight]]
            else:
                ent[rowptr[i]] = tensor_buf(next(args))
        heads = [rowptr[h[0]] + h[1] for h in g["heads"]]
        inputs_e = {rowptr[i] for i in arg_nodes}
        bound = set()
        results = call["results"]
        if len(results) != len(heads):
            raise NativeUnsupported("subgraph sg%d returns a different number of outputs" % k)
        after = []
        for e, v in zip(heads, results):
            sh = tuple(g["attrs"]["shape"][1][e])
            dt = g["attrs"]["dltype"][1][e]
            dst = tensor_buf(v, sh, dt)
            if e in inputs_e or e in bound:
                after.append(copy(dst, ent[e]))
            else:
                ent[e] = dst
                bound.add(e)
        for n, node in enumerate(nodes):
            if node["op"] == "tvm_op" and node["attrs"]["func_name"] == "__nop":
                # a reshape the graph executor makes by sharing storage: the output is the input
                src = ent[rowptr[node["inputs"][0][0]] + node["inputs"][0][1]]
                e = rowptr[n]
                view = tir.decl_buffer(_nz(g["attrs"]["shape"][1][e]), g["attrs"]["dltype"][1][e],
                                       name="g%d_e%d_view" % (k, e), data=src.data)
                if e in bound:
                    out.append(copy(ent[e], view))
                else:
                    ent[e] = view
            elif node["op"] == "tvm_op":
                a = [ent[rowptr[src] + j] for src, j, *_ in node["inputs"]]
                a += [ent[rowptr[n] + j] for j in range(int(node["attrs"]["num_outputs"]))]
                kernel = node["attrs"]["func_name"]
                if kernel in packed_kernels:
                    null = tir.reinterpret("handle", tir.const(0, "uint64"))
                    out.append(tir.Evaluate(tir.call_cpacked(kernel, *a, null)))
                    continue
                # A direct C call with the buffers' addresses: the pool compiles the kernel with
                # the unpacked API (_KernelPool.build), so no argument is packed. A kernel fails
                # only where TVM's workspace allocator does; the run then fails with its code.
                rc = tir.Var("rc", "int32")
                out.append(tir.LetStmt(rc, tir.call_extern("int32", kernel, *[b.data for b in a]),
                                       tir.IfThenElse(rc != 0, tir.Evaluate(tir.ret(rc)), None)))
            elif n not in arg_nodes:
                raise NativeUnsupported("subgraph sg%d has a graph node the native host cannot pass" % k)
        return out + after

    def jump(target, args):
        params = plan["blocks"][target]["params"]
        stmts = []
        clash = set(args) & set(params)
        temps = {}
        for p, a in zip(params, args):
            if p == a:
                continue
            if a in clash:  # parallel copy: read every argument before writing any parameter
                src = scalar_buf(a) if is_scalar(a) else tensor_buf(a)
                t = local("tmp%d_%d" % (target, a), src.shape, src.dtype)
                stmts.append(copy(t, src))
                temps[a] = t
        for p, a in zip(params, args):
            if p == a:
                continue
            if is_scalar(p):
                src = temps.get(a, scalar_buf(a))
                stmts.append(tir.BufferStore(scalar_buf(p), src[0], [0]))
            else:
                src = temps.get(a, tensor_buf(a))
                dst = tensor_buf(p, tuple(int(d) for d in src.shape), src.dtype)
                if numel(dst) > _MAX_COPIED_PARAM:
                    raise NativeUnsupported("a jump would copy a tensor of %d elements" % numel(dst))
                stmts.append(copy(dst, src))
        stmts.append(tir.BufferStore(block_var, target, [0]))
        return stmts

    def guarded(ops):
        """The ops' statements and _RaiseIf steps, in order."""
        return [st for op in ops for st in op_stmt(op)]

    def fold(items):
        """The statements in order, the ones after an op that may raise nested in the branch
        where it did not (not behind a test of a flag set on raising: TVM's simplifier took such a
        test as decided by the conditions around it, as if the flag could not have changed)."""
        stmts = []
        for item in reversed(items):
            if isinstance(item, _RaiseIf):
                stmts = [tir.IfThenElse(item.cond, item.stmt, _seq(stmts))]
            else:
                stmts = [item] + stmts
        return stmts

    cases = []
    for idx, b in enumerate(plan["blocks"]):
        items = guarded(b["before"])
        if b.get("call"):
            items += call_stmts(b["call"])
        items += guarded(b["ops"])
        t = b["term"]
        stmts = []
        if t["kind"] == "jump":
            stmts += jump(t["target"], t["args"])
        elif t["kind"] == "branch":
            stmts.append(tir.IfThenElse(read(t["cond"]) != 0, _seq(jump(t["then"], t["then_args"])),
                                        _seq(jump(t["else"], t["else_args"]))))
        else:
            s = t["site"]
            for buf, v in zip(site_bufs[s], plan["sites"][s]):
                if is_scalar(v):
                    stmts.append(tir.BufferStore(status_out, _packed(read(v), values[str(v)]["dtype"]), [buf]))
                else:
                    stmts.append(copy(buf, tensor_buf(v)))
            stmts.append(tir.BufferStore(status_out, tir.const(s, "int64"), [0]))
            stmts.append(tir.BufferStore(block_var, -1, [0]))
        stmts = fold(items + stmts)
        cases.append((idx, _seq(stmts)))
    def dispatch_of(lo, hi):
        """The blocks lo..hi-1 chosen by binary search on the block number (depth log2 of their
        count: a chain of ifs as deep as the blocks took TVM minutes on a thousand blocks)."""
        if hi - lo == 1:
            return cases[lo][1]
        mid = (lo + hi) // 2
        return tir.IfThenElse(block_var[0] < mid, dispatch_of(lo, mid), dispatch_of(mid, hi))

    dispatch = dispatch_of(0, len(cases))
    main = [tir.BufferStore(status_out, tir.const(-1, "int64"), [0]),
            tir.BufferStore(block_var, 0, [0]),
            tir.While(block_var[0] >= 0, dispatch)]
    body = _seq(main)
    # The arena is the function's last argument: an entry of the graph that is not one of its
    # outputs, which the graph executor allocates once, with the executor (64-byte aligned), and
    # keeps; a TVM workspace allocated and freed on every run cost act_rnn's shortest path about a
    # tenth of its time.
    arena_len = max(8, arena_size[0])
    arena = tir.decl_buffer((arena_len,), "int64", name="arena")
    for ptr, offset in allocs:
        body = tir.LetStmt(ptr, tir.address_of(tir.BufferLoad(arena, [offset])), body)
    # a parameter no run reads (its subgraph is never called) still takes its argument
    param_bufs = [b if b is not None else tir.decl_buffer((1,), "int64", name="np%d" % j)
                  for j, b in enumerate(param_bufs)]
    bufs = [inputs[v] for v in plan["inputs"]] + shared_bufs + param_bufs + out_bufs + [status_out, arena]
    handles = [tir.Var("a%d" % k, "handle") for k in range(len(bufs))]
    func = tir.PrimFunc(handles, body, buffer_map=dict(zip(handles, bufs)))
    return func.with_attr("global_symbol", "dynnc_native"), out_types, arena_len


def _nz(shape):
    """A shape for the native function's buffers: a 0-d tensor as one element (the kernels, built
    without argument checks, read it the same)."""
    shape = tuple(int(d) for d in shape)
    return shape if shape else (1,)


def _seq(stmts):
    """Statements in order, as TIR wants them: nested sequences flattened, one statement alone."""
    flat = []
    for st in stmts:
        if isinstance(st, tir.SeqStmt):
            flat.extend(st.seq)
        else:
            flat.append(st)
    return flat[0] if len(flat) == 1 else tir.SeqStmt(flat)


def _packed(x, dtype):
    """The host scalar x (an int64, a float64, or a bool as an int32) converted to `dtype`, as the
    64 bits the status array holds it in: an int sign-extended, a bool 0 or 1, a float as the bits
    of its float64 (NativeHost.statusType; the JVM side decodes it by the scalar's type)."""
    if dtype == "bool":
        return tir.Cast("int64", x != tir.const(0, x.dtype))
    if dtype.startswith("float"):
        return tir.reinterpret("int64", tir.Cast("float64", tir.Cast(dtype, x)))
    return tir.Cast("int64", tir.Cast(dtype, x))


def _native_raise(status_out, block_var, index):
    """Ends the run at an op that raised: the host program raises Python's error there."""
    return _seq([tir.BufferStore(status_out, tir.const(-2 - index, "int64"), [0]),
                        tir.BufferStore(block_var, -2, [0])])


class _RaiseIf:
    """A step of a native op: where `cond` holds, the run ends at the op with `stmt` (see fold)."""

    def __init__(self, cond, stmt):
        if stmt is None:
            raise NativeUnsupported("an op that may raise is not numbered as one in the plan")
        self.cond, self.stmt = cond, stmt


_I64_MAX, _I64_MIN = (1 << 63) - 1, -(1 << 63)
_TWO_63 = float(1 << 63)


def _native_kind(dtype):
    """A host scalar's kind (ScalarEval.Kind) from its dtype."""
    return "FLOAT" if dtype.startswith("float") else "BOOL" if dtype == "bool" else "INT"


def _i64(x):
    return tir.const(x, "int64")


def _f64(x):
    return tir.const(x, "float64")


def _native_convert(x, have, want, steps, temp, raise_):
    """x (stored as the native host keeps a kind: int64, float64, int32 for a bool) converted as
    PyScalar's toBool, toInt and toFloat convert; a conversion that raises (int() of NaN, an
    infinity or a float beyond 64 bits) appends its _RaiseIf and the converted value's store to
    `steps` and returns a read of it."""
    if want == "FLOAT":
        return tir.Cast("float64", x)
    if want == "BOOL":
        # a float's truth: NaN is true, so the negation of ordered equality with zero
        return tir.Cast("int32", _native_negate(x == _f64(0.0), steps, temp) if have == "FLOAT" else x != 0)
    if have == "BOOL":
        return tir.Cast("int64", x)
    # float to int: truncation where the value fits (as PyScalar.trunc: -2**63 itself is refused)
    out = temp("int64")
    fits = tir.And(x > _f64(-_TWO_63), x < _f64(_TWO_63))
    steps.append(_RaiseIf(_native_negate(fits, steps, temp), raise_))
    steps.append(tir.BufferStore(out, tir.Cast("int64", x), [0]))
    return out[0]


def _native_compare_mixed(i, f, temp):
    """PyScalar.compare(i, f) for an int and a non-NaN float, exactly (the int never rounded): a
    read of -1, 0 or 1, and the statement that stores it. The float is clamped before its
    truncation, so that no conversion is out of range even where the result does not use it."""
    c = temp("int64")
    inside = tir.And(f >= _f64(-_TWO_63), f < _f64(_TWO_63))
    t = tir.Cast("int64", tir.Select(inside, f, _f64(0.0)))
    frac = f - tir.Cast("float64", t)
    value = tir.Select(
        f >= _f64(_TWO_63), _i64(-1),
        tir.Select(f < _f64(-_TWO_63), _i64(1),
                   tir.Select(i != t, tir.Select(i < t, _i64(-1), _i64(1)),
                              tir.Select(frac > _f64(0.0), _i64(-1),
                                         tir.Select(frac < _f64(0.0), _i64(1), _i64(0))))))
    return c[0], tir.BufferStore(c, value, [0])


def _native_method(cls, method, params, args, dst, temp, raise_):
    """The statements (and _RaiseIf steps) of PyScalar's or PyFloat's `method` on `args`, already
    converted to `params`' kinds, storing the result in `dst`: the same value, and an error exactly
    where the Java method throws."""
    def store(x):
        return tir.BufferStore(dst, x, [0])

    def bool_(x):
        return store(tir.Cast("int32", x))

    if method in ("lt", "le", "gt", "ge", "eq", "ne"):
        if params[0] == params[1]:
            if method == "ne" and params[0] == "FLOAT":
                steps = []
                ne = _native_negate(args[0] == args[1], steps, temp)
                return steps + [bool_(ne)]
            return [bool_(_native_cmp(method)(*args))]
        # an int and a float: Python compares them exactly; NaN is unordered
        flip = params[0] == "FLOAT"
        i, f = (args[1], args[0]) if flip else (args[0], args[1])
        c, st = _native_compare_mixed(i, f, temp)
        # not NaN: f == f, on two copies, so that no simplifier takes the test as true
        f1, f2 = temp("float64"), temp("float64")
        st = _seq([st, tir.BufferStore(f1, f, [0]), tir.BufferStore(f2, f, [0])])
        ordered = f1[0] == f2[0]
        if method in ("eq", "ne"):
            eq = tir.And(ordered, c == _i64(0))
            steps = [st]
            truth = eq if method == "eq" else _native_negate(eq, steps, temp)
            return steps + [bool_(truth)]
        # x op y where x is the int: c op 0; where x is the float: 0 op c
        lhs, rhs = (_i64(0), c) if flip else (c, _i64(0))
        return [st, bool_(tir.And(ordered, _native_cmp(method)(lhs, rhs)))]
    if method == "logicalAnd":
        return [bool_(tir.And(args[0] != 0, args[1] != 0))]
    if method == "logicalOr":
        return [bool_(tir.Or(args[0] != 0, args[1] != 0))]
    if method == "logicalNot":
        return [bool_(args[0] == 0)]
    if method == "select":
        return [store(tir.Select(args[0] != 0, args[1], args[2]))]
    if method in ("toBool", "toInt", "toFloat", "trunc"):
        steps = []
        want = {"toBool": "BOOL", "toFloat": "FLOAT"}.get(method, "INT")
        x = _native_convert(args[0], params[0], want, steps, temp, raise_)
        return steps + [store(x)]
    if method.startswith("check") and params == ["BOOL"]:
        # checkIndexRange, checkDivisor, ... and check (an assert): raise where false
        return [_RaiseIf(args[0] == 0, raise_), store(tir.const(1, "int32"))]
    if cls == "PyFloat":
        return _native_float(method, args, store, temp, raise_)
    return _native_int(method, args, store, temp, raise_)


def _native_float(method, args, store, temp, raise_):
    """PyFloat's arithmetic: IEEE, as Java's operators compute it; pow and the math functions as
    CPython computes them (_native_math)."""
    x = args[0]
    y = args[1] if len(args) > 1 else None
    if method == "add":
        return [store(x + y)]
    if method == "sub":
        return [store(x - y)]
    if method == "mul":
        return [store(x * y)]
    if method == "div":
        return [store(tir.Div(x, y))]
    if method == "neg":
        return [store(x * _f64(-1.0))]  # -0.0 for 0.0, as Java's -x
    if method == "abs":
        return [store(tir.abs(x))]
    if method in ("max", "min"):
        # y only where y > x (max) or y < x (min), so a NaN wins only as x. Statements, not a
        # Select: TVM's simplifier may rewrite select(y > x, y, x) into max, which NaN breaks.
        return [tir.IfThenElse(y > x if method == "max" else y < x, store(y), store(x))]
    if method in ("mod", "floorDiv"):
        # CPython's float_rem and float_floor_div, from fmod (LLVM's frem, C's fmod, Java's %)
        m = temp("float64")
        steps = [tir.BufferStore(m, tir.truncmod(x, y), [0])]
        mm = m[0]
        # m != 0 as Java's: true for NaN (TVM's != on floats is ordered, false for NaN)
        nonzero = _native_negate(mm == _f64(0.0), steps, temp)
        if method == "mod":
            adjusted = tir.Select(tir.And(nonzero, (y < _f64(0.0)) != (mm < _f64(0.0))), mm + y, mm)
            return steps + [store(tir.Select(nonzero, adjusted, tir.copysign(_f64(0.0), y)))]
        d = temp("float64")
        steps.append(tir.BufferStore(d, tir.Div(x - mm, y), [0]))
        dd = d[0]
        steps.append(tir.IfThenElse(tir.And(nonzero, (y < _f64(0.0)) != (mm < _f64(0.0))),
                                    tir.BufferStore(d, dd - _f64(1.0), [0]), None))
        f = tir.floor(dd)
        return steps + [store(tir.Select(dd == _f64(0.0), tir.copysign(_f64(0.0), tir.Div(x, y)),
                                         tir.Select(dd - f > _f64(0.5), f + _f64(1.0), f)))]
    if method == "pow":
        # C99's pow, whose zeros, infinities, NaN and ones are CPython's float_pow's; raises where
        # PyFloat.pow does, for finite operands: 0.0 to a negative power, a negative number to a
        # non-integer power (complex in Python), a result past the float range
        inf = _f64(float("inf"))
        r, fy = temp("float64"), temp("float64")
        finite = tir.And(tir.abs(x) < inf, tir.abs(y) < inf)
        steps = [tir.BufferStore(r, tir.call_pure_extern("float64", "pow", x, y), [0]),
                 tir.BufferStore(fy, tir.floor(y), [0])]
        raises = tir.And(finite, tir.Or(tir.Or(tir.And(x == _f64(0.0), y < _f64(0.0)),
                                               tir.And(x < _f64(0.0), y != fy[0])),
                                        tir.abs(r[0]) == inf))
        return steps + [_RaiseIf(raises, raise_), store(r[0])]
    if method in _LIBM_DOMAIN or method in ("sqrt", "npSqrt", "floor", "ceil"):
        return _native_math(method, x, store, temp, raise_)
    raise NativeUnsupported("host op PyFloat." + method)


# Python's math functions and numpy's that the C library computes, by PyFloat's name: the C
# function, and where PyFloat raises ("domain": ValueError where the argument is outside the
# function's domain, which the lambda tests; "range": OverflowError where a finite argument gives
# an infinite result; None: never). CPython's math module and numpy call these very functions.
_LIBM_DOMAIN = {
    "exp": ("exp", "range"),
    "expm1": ("expm1", "range"),
    "log": ("log", lambda x: x <= _f64(0.0)),
    "log2": ("log2", lambda x: x <= _f64(0.0)),
    "log10": ("log10", lambda x: x <= _f64(0.0)),
    "log1p": ("log1p", lambda x: x <= _f64(-1.0)),
    "sin": ("sin", lambda x: tir.abs(x) == _f64(float("inf"))),
    "cos": ("cos", lambda x: tir.abs(x) == _f64(float("inf"))),
    "tan": ("tan", lambda x: tir.abs(x) == _f64(float("inf"))),
    "asin": ("asin", lambda x: tir.Or(x < _f64(-1.0), x > _f64(1.0))),
    "acos": ("acos", lambda x: tir.Or(x < _f64(-1.0), x > _f64(1.0))),
    "atan": ("atan", None),
    "sinh": ("sinh", "range"),
    "cosh": ("cosh", "range"),
    "tanh": ("tanh", None),
    "npExp": ("exp", None),
    "npLog": ("log", None),
    "npLog2": ("log2", None),
    "npLog10": ("log10", None),
}


def _native_math(method, x, store, temp, raise_):
    """PyFloat's math function `method` of x: sqrt, floor and ceil as IEEE instructions (exact, as
    Java's Math), the others by calling the C library (as CPython does; TVM's own tanh, sinh and
    log10 are formulas of exp and log, less exact). Each test of a float is ordered, false at NaN,
    which passes through as in PyFloat."""
    if method in ("sqrt", "npSqrt"):
        steps = [] if method == "npSqrt" else [_RaiseIf(x < _f64(0.0), raise_)]
        return steps + [store(tir.sqrt(x))]
    if method in ("floor", "ceil"):
        return _native_integral(tir.floor(x) if method == "floor" else tir.ceil(x), store, temp, raise_)
    fn, error = _LIBM_DOMAIN[method]
    if error is None:
        return [store(tir.call_pure_extern("float64", fn, x))]
    if error == "range":
        r = temp("float64")
        inf = _f64(float("inf"))
        return [tir.BufferStore(r, tir.call_pure_extern("float64", fn, x), [0]),
                _RaiseIf(tir.And(tir.abs(r[0]) == inf, tir.abs(x) < inf), raise_), store(r[0])]
    return [_RaiseIf(error(x), raise_), store(tir.call_pure_extern("float64", fn, x))]


def _native_integral(value, store, temp, raise_):
    """The integral float `value` as an int, as PyFloat.floor, ceil and PyScalar.round convert it:
    NaN, the infinities and values beyond 64 bits raise (-2**63 itself fits)."""
    f = temp("float64")
    steps = [tir.BufferStore(f, value, [0])]
    fits = tir.And(f[0] >= _f64(-_TWO_63), f[0] < _f64(_TWO_63))
    steps.append(_RaiseIf(_native_negate(fits, steps, temp), raise_))
    return steps + [store(tir.Cast("int64", f[0]))]


def _mul_overflow(a, b, temp):
    """The statements that prepare, and the test that is true where, a * b of int64s is beyond 64
    bits: by the sign of each, a > MAX / b (both positive), b < MIN / a (a positive, b negative), a <
    MIN / b (a negative, b positive), a < MAX / b (both negative), with C's truncating division,
    each divisor nonzero where it is divided by. MIN is read from memory: TVM's bound analysis of
    MIN / x divides MIN by -1, a SIGFPE in TVM itself."""
    big, small, zero = _i64(_I64_MAX), _i64(_I64_MIN), _i64(0)
    lim, lo = temp("int64"), temp("int64")
    set_lim = tir.IfThenElse(
        a > zero,
        tir.IfThenElse(b > zero, tir.BufferStore(lim, tir.truncdiv(big, b), [0]),
                       tir.BufferStore(lim, tir.truncdiv(lo[0], a), [0])),
        tir.IfThenElse(b > zero, tir.BufferStore(lim, tir.truncdiv(lo[0], b), [0]),
                       tir.BufferStore(lim, tir.truncdiv(big, tir.Select(b < zero, b, _i64(-1))), [0])))
    l = lim[0]
    over = tir.Or(tir.Or(tir.And(tir.And(a > zero, b > zero), a > l),
                         tir.And(tir.And(a > zero, b < zero), b < l)),
                  tir.And(a < zero, tir.And(b != zero, a < l)))
    return [tir.BufferStore(lo, small, [0]), set_lim], over


def _native_int(method, args, store, temp, raise_):
    """PyScalar's exact int arithmetic: an error (raise_) exactly where a Java method throws. Every
    bound a test compares with goes through memory (temp): TVM's simplifier, which assumes that
    signed ints never overflow, folded `a > MAX - b` to false."""
    big, small, zero = _i64(_I64_MAX), _i64(_I64_MIN), _i64(0)
    a = args[0]
    b = args[1] if len(args) > 1 else None
    if method in ("add", "sub"):
        # a + b overflows iff b > 0 and a > MAX - b, or b < 0 and a < MIN - b (for a - b: b < 0
        # and a > MAX + b, or b > 0 and a < MIN + b); each bound is computed where it cannot
        # overflow.
        lim = temp("int64")
        up = b > zero if method == "add" else b < zero
        down = b < zero if method == "add" else b > zero
        bound = (tir.Select(up, big - b, small - b) if method == "add"
                 else tir.Select(up, big + b, small + b))
        over = tir.Or(tir.And(up, a > lim[0]), tir.And(down, a < lim[0]))
        return [tir.BufferStore(lim, bound, [0]), _RaiseIf(over, raise_),
                store(a + b if method == "add" else a - b)]
    if method == "mul":
        prepare, over = _mul_overflow(a, b, temp)
        return prepare + [_RaiseIf(over, raise_), store(a * b)]
    if method == "pow":
        # PyScalar.pow: square and multiply, each product checked (Math.multiplyExact), in a loop
        # of at most 64 steps that an overflow ends; a negative exponent raises (a float in Python)
        r, base, e, over = temp("int64"), temp("int64"), temp("int64"), temp("int32")
        prepare_r, over_r = _mul_overflow(r[0], base[0], temp)
        prepare_b, over_b = _mul_overflow(base[0], base[0], temp)
        one, flag = _i64(1), tir.const(1, "int32")
        multiply = tir.IfThenElse(tir.bitwise_and(e[0], one) == one, _seq(prepare_r + [
            tir.IfThenElse(over_r, tir.BufferStore(over, flag, [0]),
                           tir.BufferStore(r, r[0] * base[0], [0]))]), None)
        # the exponent halved goes through a temp of its own: TVM's simplifier would take e > 0 as
        # still true after the shift, within the branch that tested it (and square every time)
        half = temp("int64")
        square = tir.IfThenElse(half[0] > zero, _seq(prepare_b + [
            tir.IfThenElse(over_b, tir.BufferStore(over, flag, [0]),
                           tir.BufferStore(base, base[0] * base[0], [0]))]), None)
        step = tir.IfThenElse(tir.And(e[0] > zero, over[0] == 0), _seq(
            [multiply, tir.BufferStore(half, tir.shift_right(e[0], one), [0]),
             tir.BufferStore(e, half[0], [0]), square]), None)
        return [tir.BufferStore(r, one, [0]), tir.BufferStore(base, a, [0]),
                tir.BufferStore(e, b, [0]), tir.BufferStore(over, tir.const(0, "int32"), [0]),
                tir.For(tir.Var("k", "int32"), 0, 64, tir.ForKind.SERIAL, step),
                _RaiseIf(tir.Or(b < zero, over[0] != 0), raise_), store(r[0])]
    if method == "neg":
        return [_RaiseIf(a == small, raise_), store(zero - a)]
    if method == "abs":
        return [_RaiseIf(a == small, raise_), store(tir.Select(a < zero, zero - a, a))]
    if method == "max":
        return [store(tir.max(a, b))]
    if method == "min":
        return [store(tir.min(a, b))]
    if method == "floorDiv":
        return [_RaiseIf(tir.Or(b == zero, tir.And(a == small, b == _i64(-1))), raise_),
                store(tir.floordiv(a, b))]
    if method == "mod":
        # MIN % -1 is 0 in Python and traps in the division instruction: -1 on its own branch
        return [_RaiseIf(b == zero, raise_),
                tir.IfThenElse(b == _i64(-1), store(zero), store(tir.floormod(a, b)))]
    if method == "div":
        return [_RaiseIf(b == zero, raise_), store(tir.Div(tir.Cast("float64", a), tir.Cast("float64", b)))]
    if method == "round" and a.dtype == "float64" and b is None:
        # round(x) of a float: halves to even, as rint in the default rounding mode
        return _native_integral(tir.nearbyint(a), store, temp, raise_)
    if method == "checkIndex":
        # i in [-n, n), counted from the end where negative; a bound of 1 where n <= 0, where
        # every index is out of range
        lim = temp("int64")
        over = tir.Or(b <= zero, tir.Or(a >= lim[0], a < zero - lim[0]))
        return [tir.BufferStore(lim, tir.Select(b > zero, b, _i64(1)), [0]), _RaiseIf(over, raise_),
                store(tir.Select(a < zero, a + b, a))]
    raise NativeUnsupported("host op PyScalar." + method)


def _cpu_features(target):
    """The features LLVM generates code with for the target's -mcpu, sorted, in LLVM's names."""
    feats = tvm.target.codegen.llvm_get_cpu_features(tvm.target.Target(target))
    if hasattr(feats, "items"):
        return sorted(str(k) for k, v in feats.items() if bool(v))
    return sorted(str(k) for k in feats)


def _relay_build(mod, target, records=None, mod_name="default", link_params=True, lowered=False):
    """relay.build with linked weights, or with a parameter blob where TVM cannot link them or
    `link_params` is false; with the auto-scheduler's schedules from `records` when given. With
    `lowered`, a _Lowered (the graph, the parameters and the kernels as TIR) instead of a library.

    TVM 0.18's SimplifyExpr rewrites to a fixed point capped at 100 rounds, and its rules for
    multiply and add chains do not reach one on a few repeated affine updates: five of
    `h = h * 0.999 + 0.001` fail with "Observed 100 rewrite passes". Such a subgraph is built
    again without SimplifyExpr (its other passes, FoldConstant among them, still run)."""
    build = _relay_build_links if link_params else _relay_build_once_unlinked
    try:
        return build(mod, target, records, [], mod_name, lowered)
    except tvm.TVMError as e:
        if not _simplify_failed(e):
            raise
    return build(mod, target, records, ["SimplifyExpr"], mod_name, lowered)


def _relay_build_once_unlinked(mod, target, records, disabled, mod_name="default", lowered=False):
    return _relay_build_once(mod, target, False, records, disabled, mod_name, lowered)


def _simplify_failed(e):
    """Whether relay.build failed in SimplifyExpr: its rewrite cap, or the free variable its
    add(x, x) -> x * 2 rule leaves behind when TVM's own common-subexpression pass made that add."""
    return any(m in str(e) for m in ("rewrite passes, possible conflicting passes", "contains free variables"))


def _relay_build_links(mod, target, records, disabled, mod_name="default", lowered=False):
    if _on_gpu(target):
        # TVM's graph executor hands a linked weight to the kernels as a view of the library's
        # constant data in host memory, tagged with the executor's device: a CUDA kernel reading
        # it faults ("an illegal memory access was encountered", every sample on an H200). On a
        # GPU the weights stay a parameter blob, which the executor copies into device memory.
        return _relay_build_once(mod, target, False, records, disabled, mod_name, lowered)
    try:
        return _relay_build_once(mod, target, True, records, disabled, mod_name, lowered)
    except tvm.TVMError as e:
        if _simplify_failed(e):
            raise
        return _relay_build_once(mod, target, False, records, disabled, mod_name, lowered)


def _on_gpu(target):
    return tvm.target.Target(target).kind.name != "llvm"


# A parallel loop of a CPU kernel runs through TVMBackendParallelLaunch, which reads
# TVM_NUM_THREADS from the environment on every call (getenv and strtol: a scan of every
# variable) even with one thread, and with more it wakes the thread pool. On act_rnn's native run
# those calls took about as long as the kernels they launched. A parallel loop over fewer
# innermost iterations than this runs serially instead: a few microseconds of work at most, less
# than waking a second thread saves. Larger loops (a convolution over a feature map) stay parallel.
_SERIAL_WORK = 4096


def _loop_work(stmt):
    """Innermost iterations under `stmt`: nested loops' extents multiplied, statements in sequence
    added; a loop of unknown extent counts as large."""
    if isinstance(stmt, tir.For):
        n = int(stmt.extent) if isinstance(stmt.extent, tir.IntImm) else _SERIAL_WORK
        return n * _loop_work(stmt.body)
    if isinstance(stmt, tir.SeqStmt):
        return sum(_loop_work(s) for s in stmt.seq)
    if isinstance(stmt, tir.IfThenElse):
        return max(_loop_work(stmt.then_case), _loop_work(stmt.else_case) if stmt.else_case else 1)
    body = getattr(stmt, "body", None)
    return _loop_work(body) if isinstance(body, tir.Stmt) else 1


@tvm.tir.transform.prim_func_pass(opt_level=0, name="dynnc.SerializeSmallParallelLoops")
def _serialize_small_parallel(func, mod, ctx):
    def post(op):
        if op.kind == tir.ForKind.PARALLEL and _loop_work(op) < _SERIAL_WORK:
            return tir.For(op.loop_var, op.min, op.extent, tir.ForKind.SERIAL, op.body, op.thread_binding,
                           op.annotations)
        return None
    return func.with_body(tir.stmt_functor.ir_transform(func.body, None, post, ["tir.For"]))


class _Lowered:
    """A subgraph built by relay up to TIR: its graph executor JSON, its parameters (name ->
    NDArray) and its kernels, lowered PrimFuncs named as the graph's nodes call them."""

    def __init__(self, graph_json, params, funcs):
        self.graph_json, self.params, self.funcs = graph_json, params, funcs


# relay passes no build runs. ForwardFoldScaleAxis rewrites dense(x * s, W) as dense(x, W * s),
# which pays when s is a constant (FoldConstant then scales W once), but it also takes a scale
# computed at run time: in caption_decoder's last step, h = sigmoid(o) * tanh(c) feeds only the
# L_h projection, so tanh(c) was multiplied into L_h's weight and that product packed into the
# dense kernel's layout on every run, 512 multiplications instead of 32, and the bundle held L_h's
# weight twice (as read, and packed for the other steps: 2 KiB). With it left out, no other
# sample's relay program changed (all ten compared pass by pass, 2026-12-05).
_NEVER_RUN = ["ForwardFoldScaleAxis"]


def _relay_build_once(mod, target, link_params, records, disabled, mod_name="default", lowered=False):
    executor = relay.backend.Executor("graph", {"link-params": link_params})
    disabled = list(disabled) + _NEVER_RUN
    config = {"tir.disable_assert": True}
    if not _on_gpu(target):
        config["tir.add_lower_pass"] = [(3, _serialize_small_parallel)]
    if lowered:
        if records is not None:
            raise ValueError("a lowered build takes no tuning records")
        with tvm.transform.PassContext(opt_level=3, config=config, disabled_pass=disabled):
            bld = relay.build_module.BuildModule()
            graph_json, _, params = bld.build(
                mod, target=tvm.target.Target.canon_multi_target_and_host(tvm.target.Target(target)),
                executor=executor, mod_name=mod_name)
            funcs = {}
            for irmod in bld.get_irmodule().values():
                for gv, f in irmod.functions.items():
                    if not isinstance(f, tir.PrimFunc):
                        raise NativeUnsupported("subgraph %s lowered to a function that is not TIR (%s)"
                                                % (mod_name, type(f).__name__))
                    funcs[gv.name_hint] = f
            return _Lowered(graph_json, params, funcs)
    if records is None:
        with tvm.transform.PassContext(opt_level=3, config=config, disabled_pass=disabled):
            return relay.build(mod, target=tvm.target.Target(target), executor=executor, mod_name=mod_name)
    from tvm import auto_scheduler
    config["relay.backend.use_auto_scheduler"] = True
    with auto_scheduler.ApplyHistoryBest(records):
        with tvm.transform.PassContext(opt_level=3, config=config, disabled_pass=disabled):
            return relay.build(mod, target=tvm.target.Target(target), executor=executor)


# --tune: TVM's auto-scheduler (Ansor) searches schedules for every kernel of the subgraph and
# measures them on this machine. Its sketch policy runs with a random cost model: the learned one
# needs XGBoost, which the TVM preset does not ship, and the budget is seconds, not a model's
# worth of trials. The tuned build uses the best schedule measured for each kernel that has one and
# TVM's own schedule for the others; the best of a short random search can still lose to TVM's
# hand-written x86 schedule, so both builds are timed here, on this machine, and the faster one is
# kept; the report says which and by how much.
_TUNE_ROUND = 8  # candidates measured per search round of one kernel
_SEARCH = {"evolutionary_search_num_iters": 1, "evolutionary_search_population": 64,
           "sample_init_min_population": 32}


class _MeasureProcesses:
    """While entered, TVM's build and measurement processes start this worker's Python (not a
    `python3` found on PATH) with this worker's packages and libraries. Each is started once and
    kept for the worker's life instead of once per search round, since each start imports TVM
    (several seconds, more than a round). They keep their temporary files in the worker's own
    directory (DYNNC_WORKER_TMP, which TvmWorker deletes when the worker ends), not in a request's
    work directory, which is gone after its request. Output is discarded while entered: each
    process's `import tvm` logs the same spurious target-tag errors as this worker's did (see
    above), and the search prints its progress; a failed measurement is a record with an error."""

    _made = {}

    def __enter__(self):
        import tvm.auto_scheduler.measure as measure
        # EmbeddedTvm set sys.executable to the preset's Python; the environment is inherited.
        if not (sys.executable and os.access(sys.executable, os.X_OK)):
            raise RuntimeError("cannot tune: the TVM preset's Python executable was not found (%r)" % sys.executable)
        libdir = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(tvm.__file__))))
        os.environ["PYTHONHOME"] = sys.base_prefix
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p and os.path.exists(p))
        os.environ["TVM_LIBRARY_PATH"] = libdir
        os.environ["LD_LIBRARY_PATH"] = os.pathsep.join(
            [libdir, os.path.join(sys.base_prefix, "lib")] + [p for p in os.environ.get("LD_LIBRARY_PATH", "").split(os.pathsep) if p])
        self._tmpdir = os.environ.get("TMPDIR")
        os.environ["TMPDIR"] = os.environ.get("DYNNC_WORKER_TMP") or tempfile.gettempdir()
        self._measure = measure
        self._originals = (measure.PopenPoolExecutor, measure.PopenWorker)
        measure.PopenPoolExecutor = self._kept(measure.PopenPoolExecutor)
        measure.PopenWorker = self._kept(measure.PopenWorker)
        # fd 1 too: dynnc_serve made it a copy of stderr, and TVM's C++ side prints there.
        self._saved = [(fd, os.dup(fd)) for fd in (1, 2)]
        devnull = os.open(os.devnull, os.O_WRONLY)
        for fd, _ in self._saved:
            os.dup2(devnull, fd)
        os.close(devnull)
        return self

    def _kept(self, factory):
        def get(*args, **kwargs):
            key = (factory, repr((args, sorted(kwargs.items()))))
            if key not in self._made:
                self._made[key] = factory(*args, **kwargs)
            return self._made[key]
        return get

    def __exit__(self, *exc):
        self._measure.PopenPoolExecutor, self._measure.PopenWorker = self._originals
        if self._tmpdir is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = self._tmpdir
        for fd, saved in self._saved:
            os.dup2(saved, fd)
            os.close(saved)
        return False


def _search(mod, target, records, seconds, counts):
    """Searches schedules for `seconds`, appending every measurement to `records` and counting the
    candidates measured in counts["measured"]. A search continued from earlier records starts from
    their best states."""
    from tvm import auto_scheduler
    from tvm.auto_scheduler.measure import ProgramMeasurer
    tasks, weights = auto_scheduler.extract_tasks(mod["main"], {}, tvm.target.Target(target))
    if not tasks:
        return
    earlier = os.path.getsize(records) > 0
    measurer = ProgramMeasurer(
        auto_scheduler.LocalBuilder(timeout=30, n_parallel=max(1, os.cpu_count() or 1)),
        auto_scheduler.LocalRunner(number=3, repeat=3, min_repeat_ms=20, timeout=10),
        [auto_scheduler.RecordToFile(records)], 0)
    params = dict(auto_scheduler.SketchPolicy.DEFAULT_PARAMS, **_SEARCH)
    preload = [auto_scheduler.PreloadMeasuredStates(records)] if earlier else None
    policies = [auto_scheduler.SketchPolicy(t, auto_scheduler.RandomModel(), params=params, verbose=0,
                                            init_search_callbacks=preload) for t in tasks]
    best = [float("inf")] * len(tasks)
    if earlier:
        index = {t.workload_key: i for i, t in enumerate(tasks)}
        for inp, res in auto_scheduler.load_records(records):
            i = index.get(inp.task.workload_key)
            if i is not None and res.error_no == 0:
                best[i] = min(best[i], float(np.mean([c.value for c in res.costs])))
    # Every kernel gets a round first, the largest first; then the kernel that costs the subgraph
    # the most time (best time found so far x how often the subgraph runs it) gets the next one.
    order = sorted(range(len(tasks)), key=lambda i: -tasks[i].compute_dag.flop_ct * weights[i])
    rounds = [0] * len(tasks)
    exhausted = set()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(exhausted) < len(tasks):
        live = [i for i in order if i not in exhausted]
        untried = [i for i in live if rounds[i] == 0 and best[i] == float("inf")]
        found = [i for i in live if best[i] < float("inf")]
        if untried:
            i = untried[0]
        elif found:
            i = max(found, key=lambda j: best[j] * weights[j])
        else:
            i = min(live, key=lambda j: rounds[j])  # nothing ran yet: take turns
        _, results = policies[i].continue_search_one_round(_TUNE_ROUND, measurer)
        rounds[i] += 1
        counts["measured"] += len(results)
        for r in results:
            if r.error_no == 0:
                best[i] = min(best[i], float(np.mean([c.value for c in r.costs])))
        if not results:
            exhausted.add(i)  # every schedule of this kernel's search space was measured


def _time_us(lib, req, target):
    """The median time of one run of the built subgraph on random inputs, in microseconds."""
    from tvm.contrib import graph_executor
    dev = tvm.device(tvm.target.Target(target).kind.name, 0)
    m = graph_executor.GraphModule(lib["default"](dev))
    rng = np.random.default_rng(0)
    for i in req["inputs"] + req.get("weight_inputs", []):
        name = "in%d" % i["id"] if "name" not in i else i["name"]
        m.set_input(name, rng.standard_normal(i["shape"]).astype(i["dtype"]))
    f = m.module.time_evaluator("run", dev, number=10, repeat=5, min_repeat_ms=30)
    return float(np.median(f().results)) * 1e6


def _tune_and_choose(mod, target, untuned, req):
    """Tunes for the request's budget (continuing earlier records when given), builds with the
    records, times both builds and returns the faster; writes the records and a report."""
    tune = req["tune"]
    records = tune["records_out"]
    if tune.get("records_in"):
        shutil.copyfile(tune["records_in"], records)
    else:
        open(records, "w").close()
    start = time.monotonic()
    counts = {"measured": 0}
    error = None
    # Tuning only ever adds a faster build: when the search or the tuned build fails, the report
    # says why and the untuned build stays.
    try:
        if tune["seconds"] > 0:
            with _MeasureProcesses():
                _search(mod, target, records, tune["seconds"], counts)
    except Exception as e:
        error = "search: %s: %s" % (type(e).__name__, str(e).strip().splitlines()[-1] if str(e).strip() else "")
    spent = time.monotonic() - start
    report = {"seconds": round(spent, 1), "measured": counts["measured"], "kept": "untuned",
              "untuned_us": None, "tuned_us": None}
    lib = untuned
    tuned = None
    if os.path.getsize(records) > 0:
        try:
            tuned = _relay_build(mod, target, records)
        except Exception as e:
            error = error or "tuned build: %s: %s" % (type(e).__name__, str(e).strip().splitlines()[-1] if str(e).strip() else "")
    if tuned is not None:
        # Interleaved, so that a change in the machine's load hits both alike.
        times = {"untuned": [], "tuned": []}
        for _ in range(3):
            times["untuned"].append(_time_us(untuned, req, target))
            times["tuned"].append(_time_us(tuned, req, target))
        report["untuned_us"] = round(float(np.median(times["untuned"])), 2)
        report["tuned_us"] = round(float(np.median(times["tuned"])), 2)
        if report["tuned_us"] < report["untuned_us"]:
            report["kept"] = "tuned"
            lib = tuned
    if error is not None:
        report["error"] = error
    with open(tune["report"], "w") as fh:
        json.dump(report, fh)
    return lib


def host_target(target):
    """The target with this machine's CPU as -mcpu when it is LLVM and names none; a CUDA target
    with a generic host.

    Without -mcpu, LLVM generates generic x86-64 code (no AVX): never what a user of this machine
    wants, so plain 'llvm' (or 'llvm' with other options) always gets the host's CPU.
    """
    parts = target.split()
    if parts and parts[0] == "cuda":
        # The host side of a CUDA library (argument unpacking, kernel launches) is generic x86-64:
        # a GPU bundle is meant to run on other machines with that GPU, and with this machine's
        # -mcpu it held AVX-512 moves (zmm) that a GPU server without AVX-512 (AMD Zen 3, say)
        # cannot execute.
        return tvm.target.Target(" ".join(parts), host="llvm")
    if parts and parts[0] == "llvm" and not any(p.startswith("-mcpu=") for p in parts):
        parts.append("-mcpu=" + tvm.target.codegen.llvm_get_system_cpu())
    return " ".join(parts)


def dynnc_require_cuda():
    """The GPU worker's check after importing TVM: its CUDA code generator is there."""
    if tvm.get_global_func("target.build.cuda", allow_missing=True) is None:
        raise RuntimeError("TVM has no CUDA code generator (target.build.cuda)")


def dynnc_compile(request_path, log=None):
    with open(request_path) as fh:
        req = json.load(fh)
    try:
        _build(req)
    except BaseException:
        report = traceback.format_exc()
        tail = _log_tail(log)
        if tail:
            # The log first: the report's last line is the exception's, which the compiler shows
            # as the error (TVM's log can end with a warning, such as bound.cc's "not in feed graph").
            report = "TVM's log of this compile (its end):\n" + tail + "\n" + report
        with open(req["error_file"], "w") as fh:
            fh.write(report)


def _log_tail(log, limit=4000):
    if not log:
        return ""
    sys.stderr.flush()
    try:
        with open(log, "rb") as fh:
            fh.seek(max(0, os.path.getsize(log) - limit))
            return fh.read().decode("utf-8", "replace").strip()
    except OSError:
        return ""


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
        # What TVM and g++ print while compiling (warnings of TVM's internals, such as "not in feed
        # graph consumer" for an argmax) goes to the work directory's tvm.log, not to the user: a
        # failed compile's report ends with it, and if this worker dies, TvmWorker shows its end.
        log = os.path.join(work, "tvm.log")
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        sys.stdout.flush()
        sys.stderr.flush()
        saved = [(k, os.dup(k)) for k in (1, 2)]
        for k, _ in saved:
            os.dup2(fd, k)
        os.close(fd)
        try:
            dynnc_compile(msg["request"], log)
        except BaseException:
            error = traceback.format_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            for k, old in saved:
                os.dup2(old, k)
                os.close(old)
        answers.write(json.dumps({"id": msg["id"], "error": error}) + "\n")
