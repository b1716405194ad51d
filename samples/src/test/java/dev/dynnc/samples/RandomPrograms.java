package dev.dynnc.samples;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Writes random PyTorch programs with nested data-dependent control flow, for the property test
 * ({@link RandomProgramsTest}).
 *
 * <p>A program is a parameter-free {@code nn.Module} whose {@code forward(x, y)} takes two {@code
 * float32[4]} tensors, keeps two tensor variables {@code a}, {@code b} and a step counter {@code
 * n}, and returns {@code (tensor, n)} from every return. Statements are drawn from: tensor
 * assignments (every result squashed by {@code tanh} or {@code sigmoid}, so loops cannot blow
 * values up), {@code n += 1}, {@code if}/{@code else} on conditions read from the tensors, early
 * {@code return}, static {@code for} loops, and, when the feature is on, data-dependent {@code
 * while} loops (bounded by {@code n} so they end), {@code break}/{@code continue} under
 * data-dependent conditions, conditional expressions and {@code and}/{@code or}/{@code not} on
 * data. The same seed gives the same program.
 */
final class RandomPrograms {
  /** Constructs a program may use beyond straight-line code, {@code if} and early return. */
  enum Feature {
    STATIC_FOR,
    WHILE,
    BREAK_CONTINUE,
    IF_EXPRESSION,
    BOOL_OPS
  }

  private final Random rnd;
  private final Set<Feature> features;
  private final StringBuilder out = new StringBuilder();
  private int loopDepth;
  private int budget;

  private RandomPrograms(long seed, Set<Feature> features) {
    this.rnd = new Random(seed);
    this.features = features.isEmpty() ? EnumSet.noneOf(Feature.class) : EnumSet.copyOf(features);
  }

  /** The source of program {@code seed}: a module defining {@code class Prog(nn.Module)}. */
  static String program(long seed, Set<Feature> features) {
    return new RandomPrograms(seed, features).generate();
  }

  private String generate() {
    budget = 10;
    out.append("import torch\nimport torch.nn as nn\n\n\n");
    out.append("class Prog(nn.Module):\n");
    out.append("    def forward(self, x, y):\n");
    line(2, "a = x");
    line(2, "b = y");
    line(2, "n = 0");
    // Every program decides at least once: a data-dependent if or while at the top level.
    block(2, 2);
    budget--;
    if (features.contains(Feature.WHILE) && rnd.nextBoolean()) {
      whileLoop(2);
    } else {
      ifStatement(2);
    }
    block(2, 2);
    line(2, "return " + result());
    return out.toString();
  }

  private void line(int indent, String text) {
    out.append("    ".repeat(indent)).append(text).append('\n');
  }

  /** One to {@code max} statements at {@code indent}. */
  private void block(int indent, int max) {
    int n = 1 + rnd.nextInt(max);
    for (int i = 0; i < n; i++) {
      statement(indent);
    }
  }

  private void statement(int indent) {
    budget--;
    int depth = indent - 2;
    boolean compound = budget > 0 && depth < 3;
    int pick = rnd.nextInt(compound ? 10 : 4);
    switch (pick) {
      case 0, 1, 2 -> assign(indent);
      case 3 -> line(indent, "n += 1");
      case 4, 5 -> ifStatement(indent);
      case 6 -> {
        if (features.contains(Feature.WHILE)) {
          whileLoop(indent);
        } else {
          ifStatement(indent);
        }
      }
      case 7 -> {
        if (features.contains(Feature.STATIC_FOR)) {
          forLoop(indent);
        } else {
          assign(indent);
        }
      }
      case 8 -> {
        if (loopDepth > 0 && features.contains(Feature.BREAK_CONTINUE)) {
          line(indent, "if " + condition() + ":");
          line(indent + 1, rnd.nextBoolean() ? "break" : "continue");
        } else {
          line(indent, "if " + condition() + ":");
          line(indent + 1, "return " + result());
        }
      }
      default -> {
        if (features.contains(Feature.IF_EXPRESSION)) {
          String v = var();
          line(indent, v + " = " + tensorExpr() + " if " + condition() + " else " + tensorExpr());
        } else {
          assign(indent);
        }
      }
    }
  }

  private void assign(int indent) {
    line(indent, var() + " = " + tensorExpr());
  }

  private void ifStatement(int indent) {
    line(indent, "if " + condition() + ":");
    block(indent + 1, 2);
    if (rnd.nextBoolean()) {
      line(indent, "else:");
      block(indent + 1, 2);
    }
  }

  private void forLoop(int indent) {
    line(indent, "for _ in range(" + (1 + rnd.nextInt(3)) + "):");
    loopDepth++;
    block(indent + 1, 2);
    loopDepth--;
  }

  /** Bounded by {@code n}, which the first statement of the body increments, so it always ends. */
  private void whileLoop(int indent) {
    int bound = 2 + rnd.nextInt(5);
    line(indent, "while n < " + bound + " and " + simpleCondition() + ":");
    line(indent + 1, "n += 1");
    loopDepth++;
    block(indent + 1, 2);
    loopDepth--;
  }

  private String var() {
    return rnd.nextBoolean() ? "a" : "b";
  }

  private String c() {
    return String.format(Locale.ROOT, "%.2f", rnd.nextDouble() * 1.6 - 0.8);
  }

  private String tensorExpr() {
    String u = var();
    String v = var();
    String inner =
        switch (rnd.nextInt(6)) {
          case 0 -> u + " * " + c() + " + " + v;
          case 1 -> u + " - " + v + " * " + c();
          case 2 -> "torch.relu(" + u + ") - " + v;
          case 3 -> u + " * " + v + " + " + c();
          case 4 -> "torch.maximum(" + u + ", " + v + ") - " + c();
          default -> u + ".abs() * " + c() + " + x";
        };
    return (rnd.nextInt(3) == 0 ? "torch.sigmoid(" : "torch.tanh(") + inner + ")";
  }

  /** A threshold for a condition, where the reductions of squashed values often fall. */
  private String threshold() {
    return String.format(Locale.ROOT, "%.2f", rnd.nextDouble() - 0.5);
  }

  private String simpleCondition() {
    String t = var();
    String u = t.equals("a") ? "b" : "a";
    return switch (rnd.nextInt(7)) {
      case 0 -> t + ".sum() > " + threshold();
      case 1 -> t + ".mean() < " + threshold();
      case 2 -> "(" + t + " - " + u + ").max() > " + threshold();
      case 3 -> t + ".min() < " + threshold();
      case 4 -> t + ".sum() > " + u + ".sum()";
      case 5 -> "(" + t + " * x).mean() > " + threshold();
      default -> t + "[" + rnd.nextInt(4) + "] > " + u + "[" + rnd.nextInt(4) + "]";
    };
  }

  private String condition() {
    if (features.contains(Feature.BOOL_OPS)) {
      switch (rnd.nextInt(5)) {
        case 0:
          return simpleCondition() + " and " + simpleCondition();
        case 1:
          return simpleCondition() + " or " + simpleCondition();
        case 2:
          return "not " + simpleCondition();
        default:
          break;
      }
    }
    return simpleCondition();
  }

  private String result() {
    List<String> forms = new ArrayList<>(List.of("a", "a + b", "b * 0.5 - a", "torch.tanh(a - b)"));
    return forms.get(rnd.nextInt(forms.size())) + ", n";
  }
}
