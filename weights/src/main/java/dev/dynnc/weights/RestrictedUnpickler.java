package dev.dynnc.weights;

import dev.dynnc.semantics.DType;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pickle interpreter for the data-only subset of pickle that {@code torch.save} writes, which
 * never runs or instantiates anything that the file names.
 *
 * <p>A normal unpickler imports whatever module and callable the pickle names (GLOBAL /
 * STACK_GLOBAL) and calls it (REDUCE / NEWOBJ / BUILD), which is how a hostile checkpoint runs
 * {@code os.system}. This one has no import step at all: a global is only a lookup in a fixed
 * allow-list (the same set of names as torch's {@code weights_only=True} loader allows for dense
 * tensors), and "calling" an allowed global is a Java method that builds a plain value. Any other
 * global stops the load with a {@link CheckpointException} naming it.
 *
 * <p>Values are modelled as: {@code null} (None), {@link Boolean}, {@link Long} (or {@link
 * BigInteger} when out of range), {@link Double}, {@link String}, {@link PyBytes}, {@link Tuple},
 * {@link PyList}, {@link PyDict}, {@link PySet}, {@link Global}, {@link StorageRef} (a persistent
 * id) and {@link TensorSpec} (a rebuilt tensor, whose bytes the caller reads from the archive
 * afterwards).
 *
 * <p>Hostile input is bounded: every length is checked against the bytes left before anything is
 * allocated, the stack, memo and mark depth have caps, and the interpreter itself is a loop, not a
 * recursion. Tuples are the only values compared by content (they can be dict keys); they nest at
 * most {@value #MAX_TUPLE_NESTING} deep, and a key may unfold to at most {@value
 * #MAX_KEY_TUPLE_WEIGHT} elements, so hashing one is always cheap. Lists, dicts and sets use
 * identity equality, so cyclic structures (a list appended to itself) are harmless.
 */
final class RestrictedUnpickler {

  /** Most memo entries; torch writes about ten per tensor, so this allows ~400k tensors. */
  static final int MAX_MEMO_ENTRIES = 1 << 22;

  /** Most values on the stack at once, summed over all mark frames. */
  static final int MAX_STACK_ITEMS = 1 << 22;

  /** Most nested MARKs; torch.save needs three. */
  static final int MAX_MARK_DEPTH = 1000;

  /** Deepest tuple nesting accepted; bounds the recursion of tuple hashing and equality. */
  static final int MAX_TUPLE_NESTING = 100;

  /**
   * Largest tuple, counting nested elements as often as they occur, that may be a dict key. Memo
   * sharing lets a few bytes of pickle describe a tuple DAG whose unfolded size is exponential, and
   * hashing or comparing such a key would never finish.
   */
  static final int MAX_KEY_TUPLE_WEIGHT = 1000;

  /**
   * Most elements added to lists, dicts and sets over the whole load; bounds memory beyond the
   * pickle's size.
   */
  static final int MAX_CONTAINER_ITEMS = 1 << 24;

  /** Largest tensor, in bytes, that fits in a Java array. */
  static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE - 8;

  /**
   * Longest decimal text accepted by the protocol-0 INT/LONG opcodes (Python's own default limit).
   */
  private static final int MAX_INT_DIGITS = 4300;

  // ---------------------------------------------------------------- values

  /** An immutable Python tuple; equal by content so that it can serve as a dict key. */
  static final class Tuple {
    static final Tuple EMPTY = new Tuple(Collections.emptyList(), 1, 1, true);

    final List<Object> items;

    /** 1 for a tuple without tuple elements; bounded by {@link #MAX_TUPLE_NESTING}. */
    final int nesting;

    /**
     * 1 plus the weights of its elements (1 for a non-tuple), i.e. the size of the unfolded tree;
     * saturates.
     */
    final long weight;

    /**
     * Whether Python could hash it: true unless it (transitively) holds a list, dict, set or other
     * object.
     */
    final boolean hashable;

    private Tuple(List<Object> items, int nesting, long weight, boolean hashable) {
      this.items = items;
      this.nesting = nesting;
      this.weight = weight;
      this.hashable = hashable;
    }

    int size() {
      return items.size();
    }

    Object get(int i) {
      return items.get(i);
    }

    @Override
    public boolean equals(Object o) {
      return o == this || (o instanceof Tuple t && items.equals(t.items));
    }

    @Override
    public int hashCode() {
      return items.hashCode();
    }

    @Override
    public String toString() {
      return "tuple of " + items.size();
    }
  }

  /** A Python list; identity equality, like any mutable Python object. */
  static final class PyList {
    final List<Object> items = new ArrayList<>();

    @Override
    public String toString() {
      return "list of " + items.size();
    }
  }

  /** A Python dict or OrderedDict; keeps insertion order, as Python does. */
  static final class PyDict {
    final LinkedHashMap<Object, Object> map = new LinkedHashMap<>();

    @Override
    public String toString() {
      return "dict of " + map.size();
    }
  }

  /**
   * A Python set or frozenset; its elements are kept but never hashed, since nothing reads them.
   */
  static final class PySet {
    final List<Object> items = new ArrayList<>();

    @Override
    public String toString() {
      return "set of " + items.size();
    }
  }

  /** Python bytes; equal by content, like Python's. */
  record PyBytes(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof PyBytes b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "bytes of " + bytes.length;
    }
  }

  /** What an allowed global stands for; the unpickler interprets each kind itself. */
  enum GlobalKind {
    ORDERED_DICT,
    REBUILD_TENSOR,
    REBUILD_TENSOR_V2,
    REBUILD_PARAMETER,
    REBUILD_PARAMETER_WITH_STATE,
    REBUILD_FROM_TYPE_V2,
    TENSOR_TYPE,
    TORCH_SIZE,
    STORAGE_TYPE,
    DTYPE
  }

  /** An allowed global; {@code dtype} is set for storage types and dtype objects. */
  record Global(String name, GlobalKind kind, DType dtype) {}

  /**
   * A tensor storage named by a persistent id: its bytes are the archive entry {@code data/<key>}.
   */
  record StorageRef(String key, DType dtype, long numel, String location) {}

  /** A tensor as {@code _rebuild_tensor_v2} describes it: a strided view of a storage. */
  record TensorSpec(StorageRef storage, long offset, long[] size, long[] stride) {
    /** Number of elements; cannot overflow, the unpickler checked it. */
    long numel() {
      long n = 1;
      for (long d : size) {
        n *= d;
      }
      return n;
    }

    /** Whether the view is plain row-major, i.e. its bytes are one run of the storage. */
    boolean isContiguous() {
      long expected = 1;
      for (int i = size.length - 1; i >= 0; i--) {
        // A dimension of size 1 may carry any stride; torch itself ignores it.
        if (size[i] != 1 && stride[i] != expected) {
          return false;
        }
        expected *= size[i];
      }
      return true;
    }
  }

  // ---------------------------------------------------------------- the allow-list

  private static final Map<String, Global> ALLOWED = buildAllowList();

  private static Map<String, Global> buildAllowList() {
    Map<String, Global> m = new HashMap<>();
    add(m, "collections.OrderedDict", GlobalKind.ORDERED_DICT, null);
    add(m, "torch._utils._rebuild_tensor", GlobalKind.REBUILD_TENSOR, null);
    add(m, "torch._utils._rebuild_tensor_v2", GlobalKind.REBUILD_TENSOR_V2, null);
    add(m, "torch._utils._rebuild_parameter", GlobalKind.REBUILD_PARAMETER, null);
    add(
        m,
        "torch._utils._rebuild_parameter_with_state",
        GlobalKind.REBUILD_PARAMETER_WITH_STATE,
        null);
    // Tensors with Python attributes or of a Tensor/Parameter subclass are wrapped in this (torch
    // >= 1.12).
    add(m, "torch._tensor._rebuild_from_type_v2", GlobalKind.REBUILD_FROM_TYPE_V2, null);
    add(m, "torch.Tensor", GlobalKind.TENSOR_TYPE, null);
    add(m, "torch._tensor.Tensor", GlobalKind.TENSOR_TYPE, null);
    add(m, "torch.nn.parameter.Parameter", GlobalKind.TENSOR_TYPE, null);
    add(m, "torch.Size", GlobalKind.TORCH_SIZE, null);
    // Storage classes as torch.save names them in persistent ids: torch 1.x and 2.x write the
    // legacy typed
    // names ("torch FloatStorage") whatever the device; the torch.cuda variants only occur in old
    // files.
    String[][] storages = {
      {"FloatStorage", "F32"},
      {"DoubleStorage", "F64"},
      {"HalfStorage", "F16"},
      {"BFloat16Storage", "BF16"},
      {"LongStorage", "I64"},
      {"IntStorage", "I32"},
      {"ShortStorage", "I16"},
      {"CharStorage", "I8"},
      {"ByteStorage", "U8"},
      {"BoolStorage", "BOOL"},
    };
    for (String[] s : storages) {
      DType t = DType.valueOf(s[1]);
      add(m, "torch." + s[0], GlobalKind.STORAGE_TYPE, t);
      add(m, "torch.cuda." + s[0], GlobalKind.STORAGE_TYPE, t);
    }
    // A raw UntypedStorage counts its size in bytes, so it reads as uint8.
    add(m, "torch.UntypedStorage", GlobalKind.STORAGE_TYPE, DType.U8);
    add(m, "torch.storage.UntypedStorage", GlobalKind.STORAGE_TYPE, DType.U8);
    // dtype objects pickle as globals ("torch float32"); they only occur as metadata values.
    for (DType t : DType.values()) {
      add(m, "torch." + t.numpyName(), GlobalKind.DTYPE, t);
    }
    return Map.copyOf(m);
  }

  private static void add(Map<String, Global> m, String name, GlobalKind kind, DType dtype) {
    m.put(name, new Global(name, kind, dtype));
  }

  // ---------------------------------------------------------------- opcodes

  private static final int MARK = '(';
  private static final int STOP = '.';
  private static final int POP = '0';
  private static final int POP_MARK = '1';
  private static final int DUP = '2';
  private static final int FLOAT = 'F';
  private static final int INT = 'I';
  private static final int BININT = 'J';
  private static final int BININT1 = 'K';
  private static final int LONG = 'L';
  private static final int BININT2 = 'M';
  private static final int NONE = 'N';
  private static final int PERSID = 'P';
  private static final int BINPERSID = 'Q';
  private static final int REDUCE = 'R';
  private static final int STRING = 'S';
  private static final int BINSTRING = 'T';
  private static final int SHORT_BINSTRING = 'U';
  private static final int UNICODE = 'V';
  private static final int BINUNICODE = 'X';
  private static final int APPEND = 'a';
  private static final int BUILD = 'b';
  private static final int GLOBAL = 'c';
  private static final int DICT = 'd';
  private static final int EMPTY_DICT = '}';
  private static final int APPENDS = 'e';
  private static final int GET = 'g';
  private static final int BINGET = 'h';
  private static final int INST = 'i';
  private static final int LONG_BINGET = 'j';
  private static final int LIST = 'l';
  private static final int EMPTY_LIST = ']';
  private static final int OBJ = 'o';
  private static final int PUT = 'p';
  private static final int BINPUT = 'q';
  private static final int LONG_BINPUT = 'r';
  private static final int SETITEM = 's';
  private static final int TUPLE = 't';
  private static final int EMPTY_TUPLE = ')';
  private static final int SETITEMS = 'u';
  private static final int BINFLOAT = 'G';
  private static final int PROTO = 0x80;
  private static final int NEWOBJ = 0x81;
  private static final int EXT1 = 0x82;
  private static final int EXT2 = 0x83;
  private static final int EXT4 = 0x84;
  private static final int TUPLE1 = 0x85;
  private static final int TUPLE2 = 0x86;
  private static final int TUPLE3 = 0x87;
  private static final int NEWTRUE = 0x88;
  private static final int NEWFALSE = 0x89;
  private static final int LONG1 = 0x8a;
  private static final int LONG4 = 0x8b;
  private static final int BINBYTES = 'B';
  private static final int SHORT_BINBYTES = 'C';
  private static final int SHORT_BINUNICODE = 0x8c;
  private static final int BINUNICODE8 = 0x8d;
  private static final int BINBYTES8 = 0x8e;
  private static final int EMPTY_SET = 0x8f;
  private static final int ADDITEMS = 0x90;
  private static final int FROZENSET = 0x91;
  private static final int NEWOBJ_EX = 0x92;
  private static final int STACK_GLOBAL = 0x93;
  private static final int MEMOIZE = 0x94;
  private static final int FRAME = 0x95;
  private static final int BYTEARRAY8 = 0x96;
  private static final int NEXT_BUFFER = 0x97;
  private static final int READONLY_BUFFER = 0x98;

  // ---------------------------------------------------------------- state

  private final byte[] data;

  /** "file: entry", prefixed to every error so the user knows where to look. */
  private final String source;

  private int pos;

  /** Offset of the opcode being executed, reported in errors. */
  private int opPos;

  private final ArrayList<Object> stack = new ArrayList<>();

  /** Stack heights at each open MARK; values below the top mark are invisible, as in Python. */
  private final int[] marks = new int[MAX_MARK_DEPTH];

  private int markCount;
  private final HashMap<Long, Object> memo = new HashMap<>();
  private final Map<String, StorageRef> storages = new HashMap<>();
  private long containerItems;

  /**
   * Prepares to interpret {@code data}.
   *
   * @param source where the pickle comes from, e.g. {@code "model.pt: model/data.pkl"}; starts
   *     every error message
   */
  RestrictedUnpickler(byte[] data, String source) {
    this.data = data;
    this.source = source;
  }

  /** Runs the pickle up to its STOP opcode and returns the value it produced. */
  Object load() throws CheckpointException {
    while (pos < data.length) {
      opPos = pos;
      int op = data[pos++] & 0xff;
      switch (op) {
        case PROTO -> {
          int version = u8("PROTO");
          if (version > 5) {
            throw fail("pickle protocol " + version + " is newer than the supported protocols 0-5");
          }
        }
        case FRAME -> {
          // Frames only tell a streaming reader how much to buffer; the whole pickle is in memory.
          checkUnsignedLength(u64("FRAME"), "FRAME");
        }
        case STOP -> {
          if (stack.isEmpty()) {
            throw fail("STOP with an empty stack");
          }
          return stack.get(stack.size() - 1);
        }

        // ---- constants and numbers
        case NONE -> push(null);
        case NEWTRUE -> push(Boolean.TRUE);
        case NEWFALSE -> push(Boolean.FALSE);
        case BININT -> push((long) i32("BININT"));
        case BININT1 -> push((long) u8("BININT1"));
        case BININT2 -> push((long) u16("BININT2"));
        case LONG1 -> push(decodeLong(u8("LONG1"), "LONG1"));
        case LONG4 -> push(decodeLong(i32("LONG4"), "LONG4"));
        case INT -> push(parseTextInt(readLine("INT"), false));
        case LONG -> push(parseTextInt(readLine("LONG"), true));
        case FLOAT -> push(parseTextFloat(readLine("FLOAT")));
        case BINFLOAT -> {
          need(8, "BINFLOAT");
          // The only big-endian number in pickle.
          push(ByteBuffer.wrap(data, pos, 8).getDouble());
          pos += 8;
        }

        // ---- strings and bytes
        case BINUNICODE -> push(utf8(u32("BINUNICODE"), "BINUNICODE"));
        case SHORT_BINUNICODE -> push(utf8(u8("SHORT_BINUNICODE"), "SHORT_BINUNICODE"));
        case BINUNICODE8 -> push(utf8(u64("BINUNICODE8"), "BINUNICODE8"));
        // Python 2 str; torch.load decodes these as UTF-8, and so do we.
        case BINSTRING -> push(utf8(nonNegativeLength(i32("BINSTRING"), "BINSTRING"), "BINSTRING"));
        case SHORT_BINSTRING -> push(utf8(u8("SHORT_BINSTRING"), "SHORT_BINSTRING"));
        case STRING -> push(decodeQuotedString(readLine("STRING")));
        case UNICODE -> push(decodeRawUnicodeEscape(readLine("UNICODE")));
        case BINBYTES -> push(new PyBytes(bytes(u32("BINBYTES"), "BINBYTES")));
        case SHORT_BINBYTES -> push(new PyBytes(bytes(u8("SHORT_BINBYTES"), "SHORT_BINBYTES")));
        case BINBYTES8 -> push(new PyBytes(bytes(u64("BINBYTES8"), "BINBYTES8")));
        case BYTEARRAY8 -> push(new PyBytes(bytes(u64("BYTEARRAY8"), "BYTEARRAY8")));
        case NEXT_BUFFER -> throw fail("out-of-band buffers (NEXT_BUFFER) are not supported");
        case READONLY_BUFFER -> peek("READONLY_BUFFER");

        // ---- stack and memo
        case MARK -> {
          if (markCount == MAX_MARK_DEPTH) {
            throw fail("more than " + MAX_MARK_DEPTH + " nested MARKs");
          }
          marks[markCount++] = stack.size();
        }
        case POP -> {
          // Python pops a whole mark frame when the current frame is empty.
          if (stack.size() > floor()) {
            stack.remove(stack.size() - 1);
          } else {
            popMark("POP");
          }
        }
        case POP_MARK -> popMark("POP_MARK");
        case DUP -> push(peek("DUP"));
        case BINPUT -> memoPut(u8("BINPUT"));
        case LONG_BINPUT -> memoPut(u32("LONG_BINPUT"));
        case PUT -> memoPut(parseIndex(readLine("PUT"), "PUT"));
        case MEMOIZE -> memoPut(memo.size());
        case BINGET -> push(memoGet(u8("BINGET")));
        case LONG_BINGET -> push(memoGet(u32("LONG_BINGET")));
        case GET -> push(memoGet(parseIndex(readLine("GET"), "GET")));

        // ---- containers
        case EMPTY_TUPLE -> push(Tuple.EMPTY);
        case TUPLE1 -> {
          Object a = pop("TUPLE1");
          push(tuple(Arrays.asList(a)));
        }
        case TUPLE2 -> {
          Object b = pop("TUPLE2");
          Object a = pop("TUPLE2");
          push(tuple(Arrays.asList(a, b)));
        }
        case TUPLE3 -> {
          Object c = pop("TUPLE3");
          Object b = pop("TUPLE3");
          Object a = pop("TUPLE3");
          push(tuple(Arrays.asList(a, b, c)));
        }
        case TUPLE -> push(tuple(popMark("TUPLE")));
        case EMPTY_LIST -> push(new PyList());
        case LIST -> {
          List<Object> items = popMark("LIST");
          PyList list = new PyList();
          spend(items.size());
          list.items.addAll(items);
          push(list);
        }
        case APPEND -> {
          Object item = pop("APPEND");
          listTarget("APPEND").items.add(spendOne(item));
        }
        case APPENDS -> {
          List<Object> items = popMark("APPENDS");
          PyList list = listTarget("APPENDS");
          spend(items.size());
          list.items.addAll(items);
        }
        case EMPTY_DICT -> push(new PyDict());
        case DICT -> {
          List<Object> items = popMark("DICT");
          PyDict dict = new PyDict();
          putAll(dict, items, "DICT");
          push(dict);
        }
        case SETITEM -> {
          Object value = pop("SETITEM");
          Object key = pop("SETITEM");
          PyDict dict = dictTarget("SETITEM");
          putAll(dict, Arrays.asList(key, value), "SETITEM");
        }
        case SETITEMS -> {
          List<Object> items = popMark("SETITEMS");
          putAll(dictTarget("SETITEMS"), items, "SETITEMS");
        }
        case EMPTY_SET -> push(new PySet());
        case ADDITEMS -> {
          List<Object> items = popMark("ADDITEMS");
          Object target = peek("ADDITEMS");
          if (!(target instanceof PySet set)) {
            throw fail("ADDITEMS on a " + describe(target) + "; only sets can be added to");
          }
          spend(items.size());
          set.items.addAll(items);
        }
        case FROZENSET -> {
          List<Object> items = popMark("FROZENSET");
          PySet set = new PySet();
          spend(items.size());
          set.items.addAll(items);
          push(set);
        }

        // ---- the dangerous part of pickle, reduced to the allow-list
        case GLOBAL -> {
          String module = utf8Line("GLOBAL");
          String name = utf8Line("GLOBAL");
          push(resolveGlobal(module, name));
        }
        case STACK_GLOBAL -> {
          Object name = pop("STACK_GLOBAL");
          Object module = pop("STACK_GLOBAL");
          if (!(module instanceof String m) || !(name instanceof String n)) {
            throw fail(
                "STACK_GLOBAL needs two strings, got "
                    + describe(module)
                    + " and "
                    + describe(name));
          }
          push(resolveGlobal(m, n));
        }
        case REDUCE -> {
          Object args = pop("REDUCE");
          Object callable = pop("REDUCE");
          push(call(callable, args, 0));
        }
        case NEWOBJ -> {
          Object args = pop("NEWOBJ");
          Object cls = pop("NEWOBJ");
          push(newObject(cls, args, null, "NEWOBJ"));
        }
        case NEWOBJ_EX -> {
          Object kwargs = pop("NEWOBJ_EX");
          Object args = pop("NEWOBJ_EX");
          Object cls = pop("NEWOBJ_EX");
          push(newObject(cls, args, kwargs, "NEWOBJ_EX"));
        }
        case BUILD -> {
          Object state = pop("BUILD");
          build(peek("BUILD"), state);
        }
        case BINPERSID -> push(persistentLoad(pop("BINPERSID")));
        case PERSID ->
            throw fail(
                "text persistent ids (PERSID, pickle protocol 0) are not supported; "
                    + "re-save the checkpoint with torch.save's default protocol");
        case INST, OBJ -> {
          if (op == INST) {
            // Check the named class first so that a hostile global is reported as such.
            resolveGlobal(utf8Line("INST"), utf8Line("INST"));
          }
          throw fail(
              "creating objects with "
                  + (op == INST ? "INST" : "OBJ")
                  + " is not allowed in a weights file");
        }
        case EXT1, EXT2, EXT4 ->
            throw fail(
                "copyreg extension codes (EXT1/EXT2/EXT4) are not allowed " + "in a weights file");
        default -> throw fail(String.format("unknown pickle opcode 0x%02x", op));
      }
    }
    opPos = data.length;
    throw fail("the pickle ends without a STOP opcode; the file is truncated or corrupt");
  }

  // ---------------------------------------------------------------- torch semantics

  private Global resolveGlobal(String module, String name) throws CheckpointException {
    String full = module + "." + name;
    Global g = ALLOWED.get(full);
    if (g != null) {
      return g;
    }
    if (module.startsWith("torch") && name.endsWith("Storage")) {
      throw fail(
          "tensor storage type '"
              + printable(full)
              + "' is not supported; dynnc reads float64, "
              + "float32, float16, bfloat16, int64, int32, int16, int8, uint8 and bool tensors");
    }
    if (module.equals("torch._utils") && name.startsWith("_rebuild_")) {
      throw fail(
          "'"
              + printable(full)
              + "' builds a sparse, quantized or otherwise special tensor, which is "
              + "not supported; only dense tensors are read");
    }
    throw fail(
        "global '"
            + printable(full)
            + "' is not allowed in a weights file; "
            + "only tensors, dicts and basic values are loaded");
  }

  /**
   * Applies an allowed global to its arguments, as REDUCE would.
   *
   * @param depth how many {@code _rebuild_from_type_v2} wrappers enclose this call; only one is
   *     allowed
   */
  private Object call(Object callable, Object argsObj, int depth) throws CheckpointException {
    if (!(callable instanceof Global g)) {
      throw fail("REDUCE applied to a " + describe(callable) + ", which is not callable here");
    }
    if (!(argsObj instanceof Tuple args)) {
      throw fail(
          "REDUCE arguments for '" + g.name() + "' must be a tuple, got " + describe(argsObj));
    }
    switch (g.kind()) {
      case ORDERED_DICT -> {
        PyDict dict = new PyDict();
        if (args.size() == 0) {
          return dict;
        }
        if (args.size() == 1) {
          fillDictFromPairs(dict, args.get(0));
          return dict;
        }
        throw arity(g, "0 or 1", args);
      }
      case REBUILD_TENSOR_V2 -> {
        // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
        if (args.size() != 6 && args.size() != 7) {
          throw arity(g, "6 or 7", args);
        }
        return rebuildTensor(args.get(0), args.get(1), args.get(2), args.get(3));
      }
      case REBUILD_TENSOR -> {
        if (args.size() != 4) {
          throw arity(g, "4", args);
        }
        return rebuildTensor(args.get(0), args.get(1), args.get(2), args.get(3));
      }
      case REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE -> {
        // (data, requires_grad, backward_hooks[, state]): a Parameter is its data for our purposes.
        int expected = g.kind() == GlobalKind.REBUILD_PARAMETER ? 3 : 4;
        if (args.size() != expected) {
          throw arity(g, Integer.toString(expected), args);
        }
        if (!(args.get(0) instanceof TensorSpec t)) {
          throw fail("'" + g.name() + "' expects a tensor, got " + describe(args.get(0)));
        }
        return t;
      }
      case REBUILD_FROM_TYPE_V2 -> {
        // (func, new_type, args, state): call func(*args); the subclass and its state are dropped.
        if (args.size() != 4) {
          throw arity(g, "4", args);
        }
        if (!(args.get(1) instanceof Global type) || type.kind() != GlobalKind.TENSOR_TYPE) {
          throw fail(
              "'"
                  + g.name()
                  + "' may only rebuild torch.Tensor or torch.nn.Parameter, got "
                  + describe(args.get(1)));
        }
        if (depth > 0) {
          throw fail("nested '" + g.name() + "' calls are not supported");
        }
        return call(args.get(0), args.get(2), depth + 1);
      }
      case TORCH_SIZE -> {
        if (args.size() == 0) {
          return Tuple.EMPTY;
        }
        if (args.size() == 1 && args.get(0) instanceof Tuple dims) {
          return dims;
        }
        throw fail("'torch.Size' expects one tuple of ints");
      }
      default -> throw fail("global '" + g.name() + "' cannot be called");
    }
  }

  private CheckpointException arity(Global g, String expected, Tuple args) {
    return fail("'" + g.name() + "' expects " + expected + " arguments, got " + args.size());
  }

  private void fillDictFromPairs(PyDict dict, Object pairs) throws CheckpointException {
    List<Object> items;
    if (pairs instanceof PyList l) {
      items = l.items;
    } else if (pairs instanceof Tuple t) {
      items = t.items;
    } else if (pairs instanceof PyDict d) {
      spend(d.map.size());
      dict.map.putAll(d.map);
      return;
    } else {
      throw fail("'collections.OrderedDict' expects a list of pairs, got " + describe(pairs));
    }
    List<Object> flat = new ArrayList<>(items.size() * 2);
    for (Object pair : items) {
      if (!(pair instanceof Tuple p) || p.size() != 2) {
        throw fail("'collections.OrderedDict' expects (key, value) pairs, got " + describe(pair));
      }
      flat.add(p.get(0));
      flat.add(p.get(1));
    }
    putAll(dict, flat, "REDUCE");
  }

  /** NEWOBJ / NEWOBJ_EX: only an empty OrderedDict may be created this way. */
  private Object newObject(Object cls, Object args, Object kwargs, String op)
      throws CheckpointException {
    if (!(cls instanceof Global g)) {
      throw fail(op + " on a " + describe(cls) + ", which is not a class");
    }
    boolean noKwargs = kwargs == null || (kwargs instanceof PyDict d && d.map.isEmpty());
    if (g.kind() == GlobalKind.ORDERED_DICT
        && args instanceof Tuple t
        && t.size() == 0
        && noKwargs) {
      return new PyDict();
    }
    throw fail(
        "creating an instance of '"
            + g.name()
            + "' with "
            + op
            + " is not allowed in a weights file");
  }

  /**
   * BUILD sets an object's state; only OrderedDict attributes and tensor state occur, and both are
   * dropped.
   */
  private void build(Object target, Object state) throws CheckpointException {
    if (target instanceof PyDict || target instanceof TensorSpec) {
      // OrderedDict.__dict__ (e.g. a state dict's _metadata) or a Parameter's extra state: not
      // weights.
      return;
    }
    throw fail("BUILD on a " + describe(target) + " is not allowed in a weights file");
  }

  /** BINPERSID: torch's persistent id is ('storage', storage_type, key, location, numel). */
  private StorageRef persistentLoad(Object pidObj) throws CheckpointException {
    if (!(pidObj instanceof Tuple pid) || pid.size() != 5 || !isStorageTag(pid.get(0))) {
      throw fail(
          "unsupported persistent id "
              + describe(pidObj)
              + "; expected ('storage', storage type, key, location, size)");
    }
    if (!(pid.get(1) instanceof Global type) || type.kind() != GlobalKind.STORAGE_TYPE) {
      throw fail("persistent id names " + describe(pid.get(1)) + " where a storage type belongs");
    }
    if (!(pid.get(2) instanceof String key) || key.isEmpty()) {
      throw fail("storage key must be a non-empty string, got " + describe(pid.get(2)));
    }
    if (!(pid.get(3) instanceof String location)) {
      throw fail("storage location must be a string, got " + describe(pid.get(3)));
    }
    long numel = nonNegative(pid.get(4), "storage '" + printable(key) + "' size");
    try {
      Math.multiplyExact(numel, type.dtype().byteSize());
    } catch (ArithmeticException e) {
      throw fail(
          "storage '" + printable(key) + "' declares an impossible size of " + numel + " elements");
    }
    StorageRef ref = new StorageRef(key, type.dtype(), numel, location);
    StorageRef seen = storages.putIfAbsent(key, ref);
    if (seen == null) {
      return ref;
    }
    // Views of one storage share the key; torch.save refuses to write one storage under two dtypes.
    if (seen.dtype() != ref.dtype() || seen.numel() != ref.numel()) {
      throw fail(
          "storage '" + printable(key) + "' is declared twice with different types or sizes");
    }
    return seen;
  }

  private static boolean isStorageTag(Object o) {
    return "storage".equals(o)
        || (o instanceof PyBytes b
            && Arrays.equals(b.bytes(), "storage".getBytes(StandardCharsets.US_ASCII)));
  }

  /**
   * Validates a strided view against its storage so that later copying can never index out of
   * bounds.
   */
  private TensorSpec rebuildTensor(
      Object storageObj, Object offsetObj, Object sizeObj, Object strideObj)
      throws CheckpointException {
    if (!(storageObj instanceof StorageRef storage)) {
      throw fail("a tensor's storage must be a persistent id, got " + describe(storageObj));
    }
    long offset = nonNegative(offsetObj, "storage offset");
    long[] size = dims(sizeObj, "size");
    long[] stride = dims(strideObj, "stride");
    if (size.length != stride.length) {
      throw fail(
          "tensor size "
              + Arrays.toString(size)
              + " and stride "
              + Arrays.toString(stride)
              + " have different lengths");
    }
    long numel = 1;
    long lastIndex = offset;
    try {
      for (int i = 0; i < size.length; i++) {
        numel = Math.multiplyExact(numel, size[i]);
      }
      if (Math.multiplyExact(numel, storage.dtype().byteSize()) > MAX_TENSOR_BYTES) {
        throw fail(
            "tensor of shape "
                + Arrays.toString(size)
                + " is larger than 2 GiB, "
                + "which dynnc cannot load");
      }
      if (numel > 0) {
        for (int i = 0; i < size.length; i++) {
          lastIndex = Math.addExact(lastIndex, Math.multiplyExact(size[i] - 1, stride[i]));
        }
      }
    } catch (ArithmeticException e) {
      throw fail(
          "tensor of shape "
              + Arrays.toString(size)
              + " with stride "
              + Arrays.toString(stride)
              + " overflows a 64-bit index");
    }
    // An empty tensor touches no element, so only non-empty ones are bounded by the storage.
    if (numel > 0 && lastIndex >= storage.numel()) {
      throw fail(
          "tensor of shape "
              + Arrays.toString(size)
              + " with stride "
              + Arrays.toString(stride)
              + " at storage offset "
              + offset
              + " needs "
              + (lastIndex + 1)
              + " elements, but storage '"
              + printable(storage.key())
              + "' has only "
              + storage.numel());
    }
    return new TensorSpec(storage, offset, size, stride);
  }

  private long[] dims(Object o, String what) throws CheckpointException {
    if (!(o instanceof Tuple t)) {
      throw fail("tensor " + what + " must be a tuple, got " + describe(o));
    }
    long[] out = new long[t.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = nonNegative(t.get(i), "tensor " + what + " entry");
    }
    return out;
  }

  private long nonNegative(Object o, String what) throws CheckpointException {
    if (!(o instanceof Long v)) {
      throw fail(
          what + " must be an int, got " + (o instanceof BigInteger ? "a huge int" : describe(o)));
    }
    if (v < 0) {
      throw fail(what + " is negative (" + v + ")");
    }
    return v;
  }

  // ---------------------------------------------------------------- containers and the stack

  private Tuple tuple(List<Object> items) throws CheckpointException {
    int nesting = 1;
    long weight = 1;
    boolean hashable = true;
    for (Object item : items) {
      if (item instanceof Tuple t) {
        nesting = Math.max(nesting, t.nesting + 1);
        weight += t.weight;
        hashable &= t.hashable;
      } else {
        weight++;
        hashable &= isScalar(item);
      }
      weight = Math.min(weight, Long.MAX_VALUE / 4); // saturate; only "too big" matters
    }
    if (nesting > MAX_TUPLE_NESTING) {
      throw fail("tuples nested more than " + MAX_TUPLE_NESTING + " deep");
    }
    spend(items.size());
    return new Tuple(
        Collections.unmodifiableList(new ArrayList<>(items)), nesting, weight, hashable);
  }

  private static boolean isScalar(Object o) {
    return o == null
        || o instanceof Boolean
        || o instanceof Long
        || o instanceof BigInteger
        || o instanceof Double
        || o instanceof String
        || o instanceof PyBytes;
  }

  private void putAll(PyDict dict, List<Object> keyValues, String op) throws CheckpointException {
    if (keyValues.size() % 2 != 0) {
      throw fail(op + " with an odd number of items (" + keyValues.size() + ")");
    }
    spend(keyValues.size() / 2);
    for (int i = 0; i < keyValues.size(); i += 2) {
      Object key = keyValues.get(i);
      boolean hashable = key instanceof Tuple t ? t.hashable : isScalar(key);
      if (!hashable) {
        throw fail("a " + describe(key) + " cannot be a dict key");
      }
      if (key instanceof Tuple t && t.weight > MAX_KEY_TUPLE_WEIGHT) {
        throw fail(
            "a tuple of more than "
                + MAX_KEY_TUPLE_WEIGHT
                + " elements, nested ones included, "
                + "cannot be a dict key");
      }
      dict.map.put(key, keyValues.get(i + 1));
    }
  }

  private PyList listTarget(String op) throws CheckpointException {
    Object target = peek(op);
    if (target instanceof PyList list) {
      return list;
    }
    throw fail(op + " on a " + describe(target) + "; only lists can be appended to");
  }

  private PyDict dictTarget(String op) throws CheckpointException {
    Object target = peek(op);
    if (target instanceof PyDict dict) {
      return dict;
    }
    throw fail(op + " on a " + describe(target) + "; only dicts can be filled");
  }

  private void spend(int items) throws CheckpointException {
    containerItems += items;
    if (containerItems > MAX_CONTAINER_ITEMS) {
      throw fail("the pickle builds more than " + MAX_CONTAINER_ITEMS + " container elements");
    }
  }

  private Object spendOne(Object item) throws CheckpointException {
    spend(1);
    return item;
  }

  private int floor() {
    return markCount == 0 ? 0 : marks[markCount - 1];
  }

  private void push(Object o) throws CheckpointException {
    if (stack.size() >= MAX_STACK_ITEMS) {
      throw fail("the pickle stack grows beyond " + MAX_STACK_ITEMS + " items");
    }
    stack.add(o);
  }

  private Object pop(String op) throws CheckpointException {
    if (stack.size() <= floor()) {
      throw fail(op + " on an empty stack");
    }
    return stack.remove(stack.size() - 1);
  }

  private Object peek(String op) throws CheckpointException {
    if (stack.size() <= floor()) {
      throw fail(op + " on an empty stack");
    }
    return stack.get(stack.size() - 1);
  }

  /** Removes and returns everything above the innermost MARK, and the MARK itself. */
  private List<Object> popMark(String op) throws CheckpointException {
    if (markCount == 0) {
      throw fail(op + " without a preceding MARK");
    }
    int from = marks[--markCount];
    List<Object> top = stack.subList(from, stack.size());
    List<Object> items = new ArrayList<>(top);
    top.clear();
    return items;
  }

  private void memoPut(long index) throws CheckpointException {
    Object value = peek("memo store");
    if (memo.size() >= MAX_MEMO_ENTRIES && !memo.containsKey(index)) {
      throw fail("the pickle memo grows beyond " + MAX_MEMO_ENTRIES + " entries");
    }
    memo.put(index, value);
  }

  private Object memoGet(long index) throws CheckpointException {
    Object value = memo.get(index);
    if (value == null && !memo.containsKey(index)) {
      throw fail("memo entry " + index + " is read before it is written");
    }
    return value;
  }

  // ---------------------------------------------------------------- reading the byte stream

  private int remaining() {
    return data.length - pos;
  }

  private void need(int n, String op) throws CheckpointException {
    if (remaining() < n) {
      throw fail(op + " needs " + n + " bytes but only " + remaining() + " are left in the pickle");
    }
  }

  /**
   * Rejects a length read from the file that exceeds what is left: forged lengths never reach an
   * allocation.
   */
  private int checkLength(long length, String op) throws CheckpointException {
    return checkUnsignedLength(nonNegativeLength(length, op), op);
  }

  /** For the opcodes whose length is a signed 4-byte int (BINSTRING, LONG4). */
  private long nonNegativeLength(long length, String op) throws CheckpointException {
    if (length < 0) {
      throw fail(op + " has a negative length (" + length + ")");
    }
    return length;
  }

  /**
   * As {@link #checkLength}, for unsigned lengths: 8-byte ones beyond 2^63 arrive negative and are
   * reported with their unsigned value.
   */
  private int checkUnsignedLength(long length, String op) throws CheckpointException {
    if (length < 0 || length > remaining()) {
      throw fail(
          op
              + " length "
              + Long.toUnsignedString(length)
              + " exceeds the "
              + remaining()
              + " bytes left in the pickle");
    }
    return (int) length;
  }

  private int u8(String op) throws CheckpointException {
    need(1, op);
    return data[pos++] & 0xff;
  }

  private int u16(String op) throws CheckpointException {
    need(2, op);
    int v = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8;
    pos += 2;
    return v;
  }

  private int i32(String op) throws CheckpointException {
    need(4, op);
    int v =
        (data[pos] & 0xff)
            | (data[pos + 1] & 0xff) << 8
            | (data[pos + 2] & 0xff) << 16
            | (data[pos + 3] & 0xff) << 24;
    pos += 4;
    return v;
  }

  private long u32(String op) throws CheckpointException {
    return i32(op) & 0xffffffffL;
  }

  /**
   * An unsigned 64-bit length; values beyond 2^63 come back negative, which the length checks treat
   * as huge.
   */
  private long u64(String op) throws CheckpointException {
    need(8, op);
    long lo = i32(op) & 0xffffffffL;
    long hi = i32(op) & 0xffffffffL;
    return lo | hi << 32;
  }

  private byte[] bytes(long length, String op) throws CheckpointException {
    int n = checkUnsignedLength(length, op);
    byte[] out = Arrays.copyOfRange(data, pos, pos + n);
    pos += n;
    return out;
  }

  private String utf8(long length, String op) throws CheckpointException {
    int n = checkUnsignedLength(length, op);
    String s = decodeUtf8(pos, n, op);
    pos += n;
    return s;
  }

  private String decodeUtf8(int start, int length, String op) throws CheckpointException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data, start, length))
          .toString();
    } catch (CharacterCodingException e) {
      throw fail(op + " holds invalid UTF-8");
    }
  }

  /**
   * Reads a newline-terminated argument of a text opcode (protocol 0), returning its start and
   * length.
   */
  private int[] readLine(String op) throws CheckpointException {
    int start = pos;
    for (int i = pos; i < data.length; i++) {
      if (data[i] == '\n') {
        pos = i + 1;
        return new int[] {start, i - start};
      }
    }
    throw fail(op + " argument is not terminated by a newline");
  }

  private String utf8Line(String op) throws CheckpointException {
    int[] line = readLine(op);
    return decodeUtf8(line[0], line[1], op);
  }

  private String ascii(int[] line) {
    return new String(data, line[0], line[1], StandardCharsets.ISO_8859_1);
  }

  private long parseIndex(int[] line, String op) throws CheckpointException {
    String s = ascii(line);
    try {
      long v = Long.parseLong(s);
      if (v >= 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw fail(op + " has an invalid memo index '" + printable(s) + "'");
  }

  /** INT and LONG text opcodes; protocol 0/1 writes booleans as INT "00" / "01". */
  private Object parseTextInt(int[] line, boolean isLong) throws CheckpointException {
    String s = ascii(line);
    if (!isLong && s.equals("00")) {
      return Boolean.FALSE;
    }
    if (!isLong && s.equals("01")) {
      return Boolean.TRUE;
    }
    if (isLong && s.endsWith("L")) {
      s = s.substring(0, s.length() - 1);
    }
    String op = isLong ? "LONG" : "INT";
    if (s.length() > MAX_INT_DIGITS) {
      throw fail(op + " argument has more than " + MAX_INT_DIGITS + " digits");
    }
    try {
      return normalize(new BigInteger(s));
    } catch (NumberFormatException e) {
      throw fail(op + " has an invalid argument '" + printable(s) + "'");
    }
  }

  private Double parseTextFloat(int[] line) throws CheckpointException {
    String s = ascii(line).trim();
    switch (s) {
      case "inf":
        return Double.POSITIVE_INFINITY;
      case "-inf":
        return Double.NEGATIVE_INFINITY;
      case "nan":
        return Double.NaN;
      default:
        break;
    }
    // Java accepts a few spellings Python does not ("1d", hex floats); rule them out to stay
    // faithful.
    if (!s.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
      throw fail("FLOAT has an invalid argument '" + printable(s) + "'");
    }
    return Double.parseDouble(s);
  }

  /** LONG1/LONG4: a little-endian two's-complement integer of the given byte length. */
  private Object decodeLong(long length, String op) throws CheckpointException {
    int n = checkLength(length, op);
    if (n == 0) {
      return 0L;
    }
    byte[] bigEndian = new byte[n];
    for (int i = 0; i < n; i++) {
      bigEndian[i] = data[pos + n - 1 - i];
    }
    pos += n;
    return normalize(new BigInteger(bigEndian));
  }

  /** Ints that fit are always {@link Long}, so that equal Python ints are equal Java objects. */
  private static Object normalize(BigInteger v) {
    return v.bitLength() < 64 ? (Object) v.longValue() : v;
  }

  /** STRING: a Python 2 repr of a byte string, quotes included. */
  private String decodeQuotedString(int[] line) throws CheckpointException {
    String quoted = ascii(line);
    if (quoted.length() < 2
        || (quoted.charAt(0) != '\'' && quoted.charAt(0) != '"')
        || quoted.charAt(quoted.length() - 1) != quoted.charAt(0)) {
      throw fail("STRING argument is not a quoted string");
    }
    String s = quoted.substring(1, quoted.length() - 1);
    byte[] out = new byte[s.length()];
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        out[n++] = (byte) c;
        continue;
      }
      if (++i == s.length()) {
        throw fail("STRING argument ends in a lone backslash");
      }
      char e = s.charAt(i);
      switch (e) {
        case 'n' -> out[n++] = '\n';
        case 'r' -> out[n++] = '\r';
        case 't' -> out[n++] = '\t';
        case 'a' -> out[n++] = 7;
        case 'b' -> out[n++] = '\b';
        case 'f' -> out[n++] = '\f';
        case 'v' -> out[n++] = 11;
        case '\\', '\'', '"' -> out[n++] = (byte) e;
        case 'x' -> {
          if (i + 3 > s.length()) {
            throw fail("STRING argument has a truncated \\x escape");
          }
          out[n++] = (byte) parseHex(s.substring(i + 1, i + 3), "STRING");
          i += 2;
        }
        default -> {
          if (e >= '0' && e <= '7') {
            // Up to three octal digits.
            int v = e - '0';
            for (int k = 0;
                k < 2 && i + 1 < s.length() && s.charAt(i + 1) >= '0' && s.charAt(i + 1) <= '7';
                k++) {
              v = v * 8 + (s.charAt(++i) - '0');
            }
            out[n++] = (byte) v;
          } else {
            // Python keeps unknown escapes verbatim; the output array has room, as an escape is two
            // characters of input.
            out[n++] = '\\';
            out[n++] = (byte) e;
          }
        }
      }
    }
    // torch.load decodes Python 2 strings as UTF-8.
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }

  /**
   * UNICODE: raw-unicode-escape, i.e. Latin-1 text in which only backslash-u escapes are special.
   */
  private String decodeRawUnicodeEscape(int[] line) throws CheckpointException {
    String s = ascii(line);
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == 'u' || s.charAt(i + 1) == 'U')) {
        int digits = s.charAt(i + 1) == 'u' ? 4 : 8;
        if (i + 2 + digits > s.length()) {
          throw fail("UNICODE argument has a truncated escape");
        }
        int cp = parseHex(s.substring(i + 2, i + 2 + digits), "UNICODE");
        if (!Character.isValidCodePoint(cp)) {
          throw fail("UNICODE argument has an invalid code point");
        }
        out.appendCodePoint(cp);
        i += 1 + digits;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private int parseHex(String digits, String op) throws CheckpointException {
    // Checked by hand: Long.parseLong would also accept a sign.
    if (digits.isEmpty() || !digits.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
      throw fail(op + " argument has an invalid escape '" + printable(digits) + "'");
    }
    long v = Long.parseLong(digits, 16);
    if (v > Integer.MAX_VALUE) {
      throw fail(op + " argument has an invalid escape '" + printable(digits) + "'");
    }
    return (int) v;
  }

  // ---------------------------------------------------------------- messages

  private CheckpointException fail(String message) {
    return new CheckpointException(source + " offset " + opPos + ": " + message);
  }

  /** Names a value's Python type for messages, never its (possibly huge or cyclic) contents. */
  static String describe(Object o) {
    if (o == null) {
      return "None";
    } else if (o instanceof Boolean) {
      return "bool";
    } else if (o instanceof Long || o instanceof BigInteger) {
      return "int";
    } else if (o instanceof Double) {
      return "float";
    } else if (o instanceof String) {
      return "str";
    } else if (o instanceof PyBytes) {
      return "bytes";
    } else if (o instanceof Tuple) {
      return "tuple";
    } else if (o instanceof PyList) {
      return "list";
    } else if (o instanceof PyDict) {
      return "dict";
    } else if (o instanceof PySet) {
      return "set";
    } else if (o instanceof Global g) {
      return "global '" + g.name() + "'";
    } else if (o instanceof StorageRef) {
      return "storage";
    } else if (o instanceof TensorSpec) {
      return "tensor";
    }
    return o.getClass().getSimpleName();
  }

  /** Makes text from the file safe to print: control characters escaped, length capped. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    int i = 0;
    for (; i < s.length() && b.length() < 200; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || Character.isSurrogate(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    if (i < s.length()) {
      b.append("...");
    }
    return b.toString();
  }
}
