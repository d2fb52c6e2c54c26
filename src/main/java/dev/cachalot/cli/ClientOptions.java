package dev.cachalot.cli;

import picocli.CommandLine.Option;

/** Where a sentence client sends, and what; mixed into tcp-client and udp-client. */
final class ClientOptions {

  @Option(names = "--host", paramLabel = "HOST", description = "Server name or address (default: localhost; asked for when neither --host nor --port is given).")
  String host;

  @Option(names = "--port", paramLabel = "PORT", description = "Server port (default: 12000; asked for when neither --host nor --port is given).")
  Integer port;

  @Option(names = "--message", paramLabel = "SENTENCE", description = "Send this sentence and print the reply. Without it, the sentence is asked for; or, when --host or --port is given and stdin is not a terminal, each stdin line is sent and its reply printed.")
  String message;
}
