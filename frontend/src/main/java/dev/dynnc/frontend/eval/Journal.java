package dev.dynnc.frontend.eval;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Records the state of Python containers (lists, dicts, object attributes) before they are mutated,
 * so the evaluator can run both sides of a data-dependent branch from the same heap.
 *
 * <p>Rule FORK-STATE: while one path of a data-dependent {@code if} (or one inlined call) runs, its
 * journal is current; the first mutation of a container that existed when the journal began saves
 * the container's previous contents. When the path ends, {@link #afterStates} reads what it left
 * and {@link #rollback} restores the heap for the next path; {@link Staging} then merges the paths'
 * contents element by element at the join. Containers made after the journal began belong to that
 * path alone and are never rolled back.
 *
 * <p>The current journal is per thread, so separate compilations may run in parallel; it is set
 * only while a method is being staged and is always restored on the way out.
 */
final class Journal {
  private static final AtomicLong CLOCK = new AtomicLong();
  private static final ThreadLocal<Journal> CURRENT = new ThreadLocal<>();

  /** Told of every container mutation while forward is staged (see {@link StateUse}); or null. */
  static final ThreadLocal<java.util.function.Consumer<Tracked>> MUTATIONS = new ThreadLocal<>();

  /**
   * A container whose mutations are journaled; {@link #born} orders containers and journals in
   * time.
   */
  interface Tracked {
    long born();

    /** A detached copy of the contents (an {@link ArrayList} or a {@link LinkedHashMap}). */
    Object copyState();

    /** Replaces the contents without journaling. */
    void restoreState(Object state);

    /** Replaces the contents as a mutation, journaled like any other. */
    default void restoreTracked(Object state) {
      touch(this);
      restoreState(state);
    }
  }

  /** A container and (a copy of) its contents at some moment. */
  record State(Tracked container, Object state) {}

  final Journal parent;
  final long start;

  /** Containers in the order they were first touched (keyed by birth, which is unique). */
  private final LinkedHashMap<Long, State> before = new LinkedHashMap<>();

  private Journal(Journal parent) {
    this.parent = parent;
    this.start = CLOCK.incrementAndGet();
  }

  static long tick() {
    return CLOCK.incrementAndGet();
  }

  static Journal current() {
    return CURRENT.get();
  }

  /** Starts a journal nested in the current one and makes it current. */
  static Journal push() {
    Journal j = new Journal(CURRENT.get());
    CURRENT.set(j);
    return j;
  }

  /** Makes this journal's parent current again. */
  void pop() {
    if (parent == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(parent);
    }
  }

  static void touch(Tracked c) {
    java.util.function.Consumer<Tracked> m = MUTATIONS.get();
    if (m != null) {
      m.accept(c);
    }
    Journal j = CURRENT.get();
    if (j != null && c.born() < j.start && !j.before.containsKey(c.born())) {
      j.before.put(c.born(), new State(c, c.copyState()));
    }
  }

  /** The containers this journal saw mutated, in first-touch order. */
  List<Tracked> touched() {
    List<Tracked> out = new ArrayList<>();
    for (State s : before.values()) {
      out.add(s.container());
    }
    return out;
  }

  boolean recorded(Tracked c) {
    return before.containsKey(c.born());
  }

  /** The contents {@code c} had when this journal first saw it mutated. */
  Object before(Tracked c) {
    return before.get(c.born()).state();
  }

  /** The current contents of every container this journal saw mutated. */
  Map<Long, State> afterStates() {
    Map<Long, State> out = new LinkedHashMap<>();
    for (State s : before.values()) {
      out.put(s.container().born(), new State(s.container(), s.container().copyState()));
    }
    return out;
  }

  /** Restores every container this journal saw mutated to its contents before. */
  void rollback() {
    for (State s : before.values()) {
      s.container().restoreState(s.state());
    }
  }

  /**
   * Hands the saved states of a journal whose changes are kept (an inlined call, not a branch) to
   * its parent, so the parent can still undo them.
   */
  void commitToParent() {
    if (parent == null) {
      return;
    }
    for (Map.Entry<Long, State> e : before.entrySet()) {
      if (e.getKey() < parent.start) {
        parent.before.putIfAbsent(e.getKey(), e.getValue());
      }
    }
  }

  /**
   * The current contents of every container mutated since {@code base} began, as seen by the
   * running path: what a return must remember of the heap before other paths roll it back.
   */
  static Map<Long, State> pathStates(Journal base) {
    Map<Long, State> out = new LinkedHashMap<>();
    for (Journal j = CURRENT.get(); j != null; j = j.parent) {
      for (State s : j.before.values()) {
        if (s.container().born() < base.start && !out.containsKey(s.container().born())) {
          out.put(s.container().born(), new State(s.container(), s.container().copyState()));
        }
      }
      if (j == base) {
        break;
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------------------
  // Journaled containers

  /** The list behind a Python list. */
  static final class TrackedList extends ArrayList<Object> implements Tracked {
    private final long born = tick();

    TrackedList(Collection<?> items) {
      super(items);
    }

    @Override
    public long born() {
      return born;
    }

    @Override
    public Object copyState() {
      return new ArrayList<>(this);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void restoreState(Object state) {
      super.clear();
      super.addAll((List<Object>) state);
    }

    // Identity, not contents: a list is one mutable object (and is never a hash key).
    @Override
    public boolean equals(Object o) {
      return this == o;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }

    @Override
    public boolean add(Object o) {
      touch(this);
      return super.add(o);
    }

    @Override
    public void add(int index, Object o) {
      touch(this);
      super.add(index, o);
    }

    @Override
    public boolean addAll(Collection<?> c) {
      touch(this);
      return super.addAll(c);
    }

    @Override
    public boolean addAll(int index, Collection<?> c) {
      touch(this);
      return super.addAll(index, c);
    }

    @Override
    public Object set(int index, Object o) {
      touch(this);
      return super.set(index, o);
    }

    @Override
    public Object remove(int index) {
      touch(this);
      return super.remove(index);
    }

    @Override
    public boolean remove(Object o) {
      touch(this);
      return super.remove(o);
    }

    @Override
    public boolean removeAll(Collection<?> c) {
      touch(this);
      return super.removeAll(c);
    }

    @Override
    public boolean retainAll(Collection<?> c) {
      touch(this);
      return super.retainAll(c);
    }

    @Override
    public boolean removeIf(Predicate<? super Object> filter) {
      touch(this);
      return super.removeIf(filter);
    }

    @Override
    public void replaceAll(UnaryOperator<Object> op) {
      touch(this);
      super.replaceAll(op);
    }

    @Override
    public void sort(Comparator<? super Object> c) {
      touch(this);
      super.sort(c);
    }

    @Override
    public void clear() {
      touch(this);
      super.clear();
    }

    @Override
    protected void removeRange(int from, int to) {
      touch(this);
      super.removeRange(from, to);
    }
  }

  /** The map behind a Python dict or an object's attributes. */
  static final class TrackedMap<K, V> extends LinkedHashMap<K, V> implements Tracked {
    private final long born = tick();

    @Override
    public long born() {
      return born;
    }

    @Override
    public Object copyState() {
      return new LinkedHashMap<>(this);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void restoreState(Object state) {
      super.clear();
      super.putAll((Map<K, V>) state);
    }

    @Override
    public boolean equals(Object o) {
      return this == o;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }

    @Override
    public V put(K k, V v) {
      touch(this);
      return super.put(k, v);
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> m) {
      touch(this);
      super.putAll(m);
    }

    @Override
    public V putIfAbsent(K k, V v) {
      touch(this);
      return super.putIfAbsent(k, v);
    }

    @Override
    public V remove(Object k) {
      touch(this);
      return super.remove(k);
    }

    @Override
    public boolean remove(Object k, Object v) {
      touch(this);
      return super.remove(k, v);
    }

    @Override
    public V computeIfAbsent(K k, Function<? super K, ? extends V> f) {
      touch(this);
      return super.computeIfAbsent(k, f);
    }

    @Override
    public V computeIfPresent(K k, BiFunction<? super K, ? super V, ? extends V> f) {
      touch(this);
      return super.computeIfPresent(k, f);
    }

    @Override
    public V compute(K k, BiFunction<? super K, ? super V, ? extends V> f) {
      touch(this);
      return super.compute(k, f);
    }

    @Override
    public V merge(K k, V v, BiFunction<? super V, ? super V, ? extends V> f) {
      touch(this);
      return super.merge(k, v, f);
    }

    @Override
    public V replace(K k, V v) {
      touch(this);
      return super.replace(k, v);
    }

    @Override
    public boolean replace(K k, V o, V n) {
      touch(this);
      return super.replace(k, o, n);
    }

    @Override
    public void replaceAll(BiFunction<? super K, ? super V, ? extends V> f) {
      touch(this);
      super.replaceAll(f);
    }

    @Override
    public void clear() {
      touch(this);
      super.clear();
    }
  }
}
