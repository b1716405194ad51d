package dev.dynnc.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * Gives a running {@link HostProgram} access to its bundle's subgraphs and owns every device array of the run.
 *
 * <p>Arrays returned by {@link #call} and {@link #upload}, and the inputs, belong to the context and are freed
 * when the run ends, so generated code never has to manage native memory; long loops may free arrays early
 * with {@link #release}. One context serves one run on one thread.
 */
public final class HostContext {
    /** Which Python container a {@link Composite} stands for. */
    public enum Kind { TUPLE, LIST, DICT }

    /**
     * A tuple, list or dict built by generated code, whose items may still be device arrays; the runtime turns
     * it into an {@link OutputValue} after the run. {@code keys} is null except for dicts.
     */
    public record Composite(Kind kind, List<Object> items, List<String> keys) {}

    private final List<Subgraph> subgraphs;
    private final Device device;
    private final Set<DeviceArray> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<Integer> trace = new ArrayList<>();

    HostContext(List<Subgraph> subgraphs, Device device) {
        this.subgraphs = subgraphs;
        this.device = device;
    }

    /** Runs subgraph {@code index} (manifest order) and returns its outputs; records the call in the trace. */
    public DeviceArray[] call(int index, DeviceArray... inputs) {
        if (index < 0 || index >= subgraphs.size()) {
            throw new IndexOutOfBoundsException("subgraph index " + index + " out of range; the bundle has "
                    + subgraphs.size());
        }
        trace.add(index);
        DeviceArray[] out = subgraphs.get(index).call(inputs);
        owned.addAll(Arrays.asList(out));
        return out;
    }

    /** Copies a host tensor to the bundle's device, e.g. a loop counter fed to a subgraph. */
    public DeviceArray upload(HostTensor t) {
        DeviceArray a = DeviceArray.upload(t, device);
        owned.add(a);
        return a;
    }

    /** Frees arrays before the run ends; an array must not be used (or returned) after release. */
    public void release(DeviceArray... arrays) {
        for (DeviceArray a : arrays) {
            if (owned.remove(a)) {
                a.close();
            }
        }
    }

    public double readDouble(DeviceArray a) {
        return a.readDouble();
    }

    public long readLong(DeviceArray a) {
        return a.readLong();
    }

    public boolean readBool(DeviceArray a) {
        return a.readBool();
    }

    /** The indices of the subgraphs called so far, in call order. */
    public List<Integer> trace() {
        return List.copyOf(trace);
    }

    public int callCount() {
        return trace.size();
    }

    public int subgraphCount() {
        return subgraphs.size();
    }

    public static Object tuple(Object... items) {
        return new Composite(Kind.TUPLE, Collections.unmodifiableList(Arrays.asList(items.clone())), null);
    }

    public static Object list(Object... items) {
        return new Composite(Kind.LIST, Collections.unmodifiableList(Arrays.asList(items.clone())), null);
    }

    public static Object dict(String[] keys, Object[] values) {
        if (keys.length != values.length) {
            throw new IllegalArgumentException("dict with " + keys.length + " keys but " + values.length
                    + " values");
        }
        return new Composite(Kind.DICT, Collections.unmodifiableList(Arrays.asList(values.clone())),
                List.of(keys));
    }

    /** Converts what the host program returned, copying device leaves to host memory. */
    OutputValue toOutput(Object v) {
        if (v == null) {
            return OutputValue.NONE;
        }
        if (v instanceof OutputValue o) {
            return o;
        }
        if (v instanceof DeviceArray a) {
            return new OutputValue.Leaf(a.toHost());
        }
        if (v instanceof HostTensor t) {
            return new OutputValue.Leaf(t);
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return new OutputValue.Scalar(((Number) v).longValue());
        }
        if (v instanceof Double || v instanceof Float) {
            return new OutputValue.Scalar(((Number) v).doubleValue());
        }
        if (v instanceof Boolean) {
            return new OutputValue.Scalar(v);
        }
        if (v instanceof List<?> l) {
            return new OutputValue.ListV(convertAll(l));
        }
        if (v instanceof Composite c) {
            List<OutputValue> items = convertAll(c.items());
            if (c.kind() == Kind.TUPLE) {
                return new OutputValue.Tuple(items);
            }
            if (c.kind() == Kind.LIST) {
                return new OutputValue.ListV(items);
            }
            LinkedHashMap<String, OutputValue> entries = new LinkedHashMap<>();
            for (int i = 0; i < items.size(); i++) {
                if (entries.put(c.keys().get(i), items.get(i)) != null) {
                    throw new IllegalArgumentException("duplicate dict key '" + c.keys().get(i) + "'");
                }
            }
            return new OutputValue.Dict(entries);
        }
        throw new IllegalArgumentException("unsupported result value of type " + v.getClass().getName());
    }

    private List<OutputValue> convertAll(List<?> items) {
        List<OutputValue> out = new ArrayList<>(items.size());
        for (Object item : items) {
            out.add(toOutput(item));
        }
        return out;
    }

    /** Frees every array the run still owns. */
    void releaseAll() {
        RuntimeException first = null;
        for (DeviceArray a : owned) {
            try {
                a.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        owned.clear();
        if (first != null) {
            throw first;
        }
    }
}
