package dev.cachalot.cli;

import java.io.InputStream;
import java.nio.charset.Charset;

/**
 * Where a command reads its input, and whether a person is typing it. A field on each client
 * command, so tests can pipe answers in without touching System.in.
 */
record Stdin(InputStream stream, Charset charset, boolean terminal) {

  static Stdin system() {
    // On Java 17 System.console() is null as soon as stdin or stdout is redirected.
    return new Stdin(System.in, Charset.defaultCharset(), System.console() != null);
  }
}
