package dev.dynnc.ir;

/** A value defined by a function signature or a block header, with its type. */
public record Param(ValueId id, Type type) {}
