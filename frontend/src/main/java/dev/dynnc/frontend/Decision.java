package dev.dynnc.frontend;

import dev.dynnc.ir.Span;

/**
 * How the frontend judged one condition or loop of the compiled method, for {@code dynnc inspect
 * --explain}: static (decided or unrolled while compiling) or dynamic (left for run time), and why.
 *
 * @param kind {@code if}, {@code if-expression}, {@code while} or {@code for}
 * @param span where the statement or expression starts
 * @param dynamic whether any evaluation of it depended on run-time data
 * @param why one sentence, e.g. "decided while compiling: True 2 times, False once; ..."
 */
public record Decision(String kind, Span span, boolean dynamic, String why) {}
