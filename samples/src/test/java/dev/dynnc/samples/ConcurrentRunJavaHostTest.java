package dev.dynnc.samples;

/** {@link ConcurrentRunTest} with the Java host program: one library per subgraph. */
class ConcurrentRunJavaHostTest extends ConcurrentRunTest {
  @Override
  String[] hostFlags() {
    return new String[] {"--java-host"};
  }
}
