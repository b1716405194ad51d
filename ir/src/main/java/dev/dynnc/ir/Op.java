package dev.dynnc.ir;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSortedMap;
import java.util.Optional;

/**
 * One SSA operation: {@code result = name(operands) {attrs} : type}.
 *
 * <p>Ops are generic (named, with attributes) in the MLIR style; their signatures and shape rules
 * live in {@link OpRegistry}, which the verifier and the frontend share.
 */
public record Op(
    ValueId result,
    String name,
    ImmutableList<ValueId> operands,
    ImmutableSortedMap<String, Attr> attrs,
    Type type,
    Span span) {

  public Optional<Attr> attr(String key) {
    return Optional.ofNullable(attrs.get(key));
  }

  public long intAttr(String key) {
    return ((Attr.IntAttr) attrs.get(key)).value();
  }

  public double floatAttr(String key) {
    return ((Attr.FloatAttr) attrs.get(key)).value();
  }

  public String strAttr(String key) {
    return ((Attr.StrAttr) attrs.get(key)).value();
  }

  public long[] intsAttr(String key) {
    return ((Attr.IntsAttr) attrs.get(key)).toArray();
  }

  public Op withOperands(ImmutableList<ValueId> newOperands) {
    return new Op(result, name, newOperands, attrs, type, span);
  }

  public Op withResult(ValueId newResult) {
    return new Op(newResult, name, operands, attrs, type, span);
  }
}
