package dev.dynnc.analysis;

/** Where a value lives and is computed. */
public enum Placement {
  /** Known at compile time (a host constant). */
  STATIC,
  /** A scalar the host program computes or reads back (predicates, exit indices). */
  HOST,
  /** A tensor on the target device. */
  DEVICE
}
