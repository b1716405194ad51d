package dev.dynnc.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per invariant in {@link Verifier}'s class comment. */
class VerifierTest {
  static List<String> errors(String text) throws Exception {
    return Verifier.verify(Parser.parse(text));
  }

  @Test
  void undefinedUseIsReported() throws Exception {
    assertEquals(
        List.of("%2 = relu: use of undefined value %9"),
        errors("func @f(%0 \"x\": f32[2]) {\n^bb0:\n  %2 = relu(%9) : f32[2]\n  ret %2\n}\n"));
  }

  @Test
  void useNotDominatedIsReported() throws Exception {
    assertEquals(
        List.of("^bb3 terminator: use of %3 is not dominated by its definition"),
        errors(
            """
        func @f(%0 "x": f32[1]) {
        ^bb0:
          %1 = item(%0) : f32
          %2 = const() {value = 0.0} : f64
          %5 = gt(%1, %2) : bool
          br %5, ^bb1(), ^bb2()
        ^bb1:
          %3 = relu(%0) : f32[1]
          jump ^bb3()
        ^bb2:
          jump ^bb3()
        ^bb3:
          ret %3
        }
        """));
  }

  @Test
  void declaredTypeMustMatchInference() throws Exception {
    assertEquals(
        List.of("%2 = relu: declared type f32[3] but operands give f32[2]"),
        errors("func @f(%0 \"x\": f32[2]) {\n^bb0:\n  %2 = relu(%0) : f32[3]\n  ret %2\n}\n"));
  }

  @Test
  void opRulesAreChecked() throws Exception {
    assertEquals(
        List.of("%2 = reshape: cannot reshape f32[2,3] (6 elements) to [4, 2]"),
        errors(
            "func @f(%0 \"x\": f32[2,3]) {\n^bb0:\n  %2 = reshape(%0) {shape = [4, 2]} : f32[4,2]\n  ret %2\n}\n"));
    assertEquals(
        List.of("%2 = frobnicate: unknown op 'frobnicate'"),
        errors(
            "func @f(%0 \"x\": f32[2]) {\n^bb0:\n  %2 = frobnicate(%0) : f32[2]\n  ret %2\n}\n"));
  }

  @Test
  void branchConditionMustBeHostBool() throws Exception {
    assertEquals(
        List.of("^bb0 terminator: condition %0 must be a host bool, is f32[1]"),
        errors(
            """
        func @f(%0 "x": f32[1]) {
        ^bb0:
          br %0, ^bb1(), ^bb1()
        ^bb1:
          ret %0
        }
        """));
  }

  @Test
  void blockArgumentsMustMatchParameters() throws Exception {
    assertEquals(
        List.of("^bb0 terminator: ^bb1 takes 1 arguments, got 0"),
        errors(
            """
        func @f(%0 "x": f32[1]) {
        ^bb0:
          jump ^bb1()
        ^bb1(%1: f32[1]):
          ret %1
        }
        """));
    assertEquals(
        List.of(
            "^bb0 terminator: argument %0 of type f32[1] does not match Param[id=%1, type=f32[2]]"),
        errors(
            """
        func @f(%0 "x": f32[1]) {
        ^bb0:
          jump ^bb1(%0)
        ^bb1(%1: f32[2]):
          ret %1
        }
        """));
  }

  @Test
  void structureIsChecked() throws Exception {
    assertEquals(
        List.of("^bb1 is unreachable"),
        errors(
            """
        func @f(%0 "x": f32[1]) {
        ^bb0:
          ret %0
        ^bb1:
          ret %0
        }
        """));
    assertEquals(
        List.of("block at position 1 is named ^bb2"),
        errors(
            """
        func @f(%0 "x": f32[1]) {
        ^bb0:
          jump ^bb2()
        ^bb2:
          ret %0
        }
        """));
    assertEquals(
        List.of("%1 is defined more than once"),
        errors(
            "func @f(%0 \"x\": f32[2]) {\n^bb0:\n  %1 = relu(%0) : f32[2]\n  %1 = exp(%0) : f32[2]\n  ret %1\n}\n"));
  }
}
