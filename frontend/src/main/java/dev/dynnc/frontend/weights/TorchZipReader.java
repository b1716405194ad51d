package dev.dynnc.frontend.weights;

import dev.dynnc.frontend.weights.RestrictedUnpickler.PyDict;
import dev.dynnc.frontend.weights.RestrictedUnpickler.StorageRef;
import dev.dynnc.frontend.weights.RestrictedUnpickler.TensorSpec;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads the zip archives that {@code torch.save} writes by default.
 *
 * <p>Layout: every entry sits under one directory, {@code <prefix>/} (the file's stem in torch 1.x,
 * {@code archive} in 2.x). {@code data.pkl} is the pickled object; each tensor storage it references through a
 * persistent id {@code ('storage', type, key, location, numel)} is the raw bytes of entry {@code data/<key>};
 * {@code byteorder} (torch &gt;= 2.1) says whether those bytes are little- or big-endian, and is absent, meaning
 * little, in older files. {@code version} and other bookkeeping entries are ignored: the data.pkl + data/ layout is
 * the same in every version of the format.
 */
final class TorchZipReader {

    /** Largest data.pkl accepted; a state dict pickle takes roughly 300 bytes per tensor. */
    static final int MAX_PICKLE_BYTES = 64 << 20;
    /** The keys under which training checkpoints commonly nest the state dict. */
    private static final List<String> NESTED_STATE_DICT_KEYS = List.of("state_dict", "model", "model_state_dict");

    private final ZipFile zip;
    private final String name;
    private final String prefix;
    private boolean bigEndian;

    private TorchZipReader(ZipFile zip, String name, String prefix) {
        this.zip = zip;
        this.name = name;
        this.prefix = prefix;
    }

    static LinkedHashMap<String, WeightTensor> read(Path file, String name) throws CheckpointException, IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new CheckpointException(name + ": not a valid zip archive; the file is truncated or corrupt", e);
        }
        try (zip) {
            TorchZipReader reader = new TorchZipReader(zip, name, findPrefix(zip, name));
            return reader.readTensors();
        }
    }

    /** Finds the single {@code <prefix>/data.pkl} and returns {@code "<prefix>/"}. */
    private static String findPrefix(ZipFile zip, String name) throws CheckpointException {
        List<String> pickles = new ArrayList<>();
        for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
            String entry = e.nextElement().getName();
            int slash = entry.indexOf('/');
            if (slash > 0 && entry.substring(slash + 1).equals("data.pkl")) {
                pickles.add(entry);
            }
        }
        if (pickles.isEmpty()) {
            throw new CheckpointException(name + ": the zip archive has no '<dir>/data.pkl' entry, so it was not "
                    + "written by torch.save");
        }
        if (pickles.size() > 1) {
            throw new CheckpointException(name + ": the zip archive holds several data.pkl entries ("
                    + pickles.stream().limit(5).map(RestrictedUnpickler::printable).collect(Collectors.joining(", "))
                    + "); torch.save writes exactly one");
        }
        String prefix = pickles.get(0).substring(0, pickles.get(0).length() - "data.pkl".length());
        // TorchScript archives share the layout, but their data.pkl references compiled classes: say so up front
        // instead of failing on the first '__torch__' global.
        if (zip.getEntry(prefix + "constants.pkl") != null) {
            throw new CheckpointException(name + ": this is a TorchScript archive (torch.jit.save); dynnc reads "
                    + "weights saved with torch.save(model.state_dict(), path)");
        }
        return prefix;
    }

    private LinkedHashMap<String, WeightTensor> readTensors() throws CheckpointException, IOException {
        bigEndian = readByteOrder();
        String pickleEntry = prefix + "data.pkl";
        byte[] pickle = readEntry(zip.getEntry(pickleEntry), MAX_PICKLE_BYTES, "a weights pickle");
        Object root = new RestrictedUnpickler(pickle, name + ": " + RestrictedUnpickler.printable(pickleEntry)).load();
        LinkedHashMap<String, TensorSpec> specs = selectStateDict(root);
        return materialize(specs);
    }

    private boolean readByteOrder() throws CheckpointException, IOException {
        ZipEntry entry = zip.getEntry(prefix + "byteorder");
        if (entry == null) {
            return false; // written only since torch 2.1; older files are little-endian
        }
        String order = new String(readEntry(entry, 64, "a byteorder entry"), StandardCharsets.US_ASCII).trim();
        switch (order) {
            case "little":
                return false;
            case "big":
                return true;
            default:
                throw new CheckpointException(name + ": zip entry '" + RestrictedUnpickler.printable(entry.getName())
                        + "' says '" + RestrictedUnpickler.printable(order) + "'; expected 'little' or 'big'");
        }
    }

    /**
     * Picks the dict of tensors out of the unpickled object: the object itself, or the one dict found under
     * {@link #NESTED_STATE_DICT_KEYS}. Non-tensor values and non-string keys are dropped.
     */
    private LinkedHashMap<String, TensorSpec> selectStateDict(Object root) throws CheckpointException {
        if (!(root instanceof PyDict top)) {
            throw new CheckpointException(name + ": the checkpoint holds a " + RestrictedUnpickler.describe(root)
                    + ", not a dict of tensors; save model.state_dict() instead");
        }
        PyDict chosen = top;
        List<PyDict> nested = new ArrayList<>();
        for (String key : NESTED_STATE_DICT_KEYS) {
            if (top.map.get(key) instanceof PyDict d) {
                nested.add(d);
            }
        }
        if (nested.size() == 1) {
            chosen = nested.get(0);
        }
        LinkedHashMap<String, TensorSpec> specs = new LinkedHashMap<>();
        for (Map.Entry<Object, Object> e : chosen.map.entrySet()) {
            if (e.getKey() instanceof String key && e.getValue() instanceof TensorSpec spec) {
                specs.put(key, spec);
            }
        }
        if (specs.isEmpty() && !chosen.map.isEmpty()) {
            // Most likely a training checkpoint with an unusual layout: list the keys so the user can find the
            // weights.
            String keys = chosen.map.keySet().stream().limit(10)
                    .map(k -> k instanceof String s ? "'" + RestrictedUnpickler.printable(s) + "'"
                            : RestrictedUnpickler.describe(k))
                    .collect(Collectors.joining(", "));
            throw new CheckpointException(name + ": no tensors found; the checkpoint's dict has the keys " + keys
                    + (chosen.map.size() > 10 ? ", ..." : "") + " (expected a state dict, or one nested under "
                    + "'state_dict', 'model' or 'model_state_dict')");
        }
        return specs;
    }

    /** Loads each storage once, however many views share it, and dropping it after its last view is copied. */
    private LinkedHashMap<String, WeightTensor> materialize(LinkedHashMap<String, TensorSpec> specs)
            throws CheckpointException, IOException {
        Map<String, Integer> pendingUses = new HashMap<>();
        for (TensorSpec spec : specs.values()) {
            pendingUses.merge(spec.storage().key(), 1, Integer::sum);
        }
        Map<String, byte[]> loaded = new HashMap<>();
        LinkedHashMap<String, WeightTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, TensorSpec> e : specs.entrySet()) {
            TensorSpec spec = e.getValue();
            StorageRef storage = spec.storage();
            byte[] bytes = loaded.get(storage.key());
            if (bytes == null) {
                bytes = loadStorage(storage);
                loaded.put(storage.key(), bytes);
            }
            int remainingUses = pendingUses.merge(storage.key(), -1, Integer::sum);
            int elem = storage.dtype().byteSize();
            byte[] data;
            if (remainingUses == 0 && spec.offset() == 0 && spec.isContiguous()
                    && spec.numel() * elem == bytes.length) {
                // The tensor is the whole storage and nothing else needs it: hand over the array, no copy.
                data = bytes;
            } else {
                data = StridedCopy.toContiguous(bytes, elem, spec.offset(), spec.size(), spec.stride());
            }
            if (remainingUses == 0) {
                loaded.remove(storage.key());
            }
            out.put(e.getKey(), new WeightTensor(storage.dtype(), spec.size(), data));
        }
        return out;
    }

    private byte[] loadStorage(StorageRef storage) throws CheckpointException, IOException {
        String entryName = prefix + "data/" + storage.key();
        String shownEntry = RestrictedUnpickler.printable(entryName);
        ZipEntry entry = zip.getEntry(entryName);
        if (entry == null) {
            throw new CheckpointException(name + ": storage '" + RestrictedUnpickler.printable(storage.key())
                    + "' is missing: the archive has no entry '" + shownEntry + "'");
        }
        // Fits: the unpickler checked numel * size for overflow, and every tensor is below 2 GiB.
        long needed = storage.numel() * storage.dtype().byteSize();
        if (needed > RestrictedUnpickler.MAX_TENSOR_BYTES) {
            throw new CheckpointException(name + ": storage '" + RestrictedUnpickler.printable(storage.key())
                    + "' is " + needed + " bytes, larger than the 2 GiB that dynnc can load");
        }
        // Trust the central directory only as far as the bytes actually read.
        if (entry.getSize() >= 0 && entry.getSize() < needed) {
            throw shortStorage(shownEntry, entry.getSize(), needed, storage);
        }
        byte[] bytes;
        try (InputStream in = zip.getInputStream(entry)) {
            bytes = in.readNBytes((int) needed);
        } catch (ZipException | EOFException e) {
            throw unreadable(shownEntry, e);
        }
        if (bytes.length < needed) {
            throw shortStorage(shownEntry, bytes.length, needed, storage);
        }
        if (bigEndian) {
            swapBytes(bytes, storage.dtype().byteSize());
        }
        return bytes;
    }

    private CheckpointException shortStorage(String entry, long size, long needed, StorageRef storage) {
        return new CheckpointException(name + ": zip entry '" + entry + "' holds " + size + " bytes, but storage '"
                + RestrictedUnpickler.printable(storage.key()) + "' needs " + needed + " (" + storage.numel() + " "
                + storage.dtype().numpyName() + " elements); the file is truncated or corrupt");
    }

    private CheckpointException unreadable(String entry, IOException e) {
        return new CheckpointException(name + ": zip entry '" + entry + "' cannot be read (" + e.getMessage()
                + "); the file is truncated or corrupt", e);
    }

    /** Reads a small entry whole, refusing more than {@code limit} bytes whatever the zip directory claims. */
    private byte[] readEntry(ZipEntry entry, int limit, String what) throws CheckpointException, IOException {
        String shown = RestrictedUnpickler.printable(entry.getName());
        byte[] bytes;
        try (InputStream in = zip.getInputStream(entry)) {
            bytes = in.readNBytes(limit + 1);
        } catch (ZipException | EOFException e) {
            throw unreadable(shown, e);
        }
        if (bytes.length > limit) {
            throw new CheckpointException(name + ": zip entry '" + shown + "' is larger than the " + limit
                    + " bytes allowed for " + what);
        }
        return bytes;
    }

    private static void swapBytes(byte[] bytes, int elem) {
        for (int i = 0; i + elem <= bytes.length; i += elem) {
            for (int a = i, b = i + elem - 1; a < b; a++, b--) {
                byte t = bytes[a];
                bytes[a] = bytes[b];
                bytes[b] = t;
            }
        }
    }
}
