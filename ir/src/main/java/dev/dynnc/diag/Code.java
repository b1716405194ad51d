package dev.dynnc.diag;

/**
 * The diagnostics catalogue: every user-facing error dynnc reports, with its stable code.
 *
 * <p>Codes never change meaning once released; new ones are appended. The README lists them.
 */
public enum Code {
  // Frontend: reading Python.
  DN0001("syntax error"),
  DN0002("inconsistent indentation"),
  DN0003("unsupported syntax"),
  DN0004("cannot read source file"),
  // Frontend: evaluating model construction.
  DN0100("name is not defined"),
  DN0101("attribute error"),
  DN0102("wrong arguments in a call"),
  DN0103("error while evaluating model construction"),
  DN0104("module not found"),
  DN0105("unsupported library call"),
  DN0106("bad entry expression"),
  // Frontend: lowering forward.
  DN0200("unsupported construct in forward"),
  DN0201("unsupported tensor operation"),
  DN0202("tensor shape or type error"),
  DN0203("data-dependent loop not supported yet"),
  DN0204("break or continue under a data-dependent condition"),
  DN0205("value differs between data-dependent branches"),
  DN0206("forward does not return a tensor result"),
  // Weights.
  DN0300("cannot read checkpoint"),
  DN0301("checkpoint lacks a parameter of the model"),
  DN0302("checkpoint parameter has the wrong shape"),
  DN0303("checkpoint has a parameter the model does not"),
  // Command line and bundles.
  DN0400("bad input specification"),
  DN0401("bad input file"),
  DN0402("input does not match the model's input"),
  DN0403("bad bundle"),
  DN0404("compilation by TVM failed"),
  DN0405("the model failed at run time"),
  DN0406("cannot write the output there"),
  DN0407("bad key file");

  private final String title;

  Code(String title) {
    this.title = title;
  }

  public String title() {
    return title;
  }
}
