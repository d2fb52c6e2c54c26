package dev.cachalot.cli;

import dev.cachalot.UserFacingException;
import dev.cachalot.sentence.TcpSentenceServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "tcp-server",
    mixinStandardHelpOptions = true,
    description = "Answer each line sent over TCP with the line upper-cased (the lab's TCP server).")
final class TcpServerCommand implements Callable<Integer> {

  @Mixin LoggingOptions logging;
  @Mixin TraceOptions trace;

  @Option(names = "--bind", paramLabel = "ADDRESS", description = "Listen on this address only (default: all interfaces).")
  String bind;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "12000", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--max-line", paramLabel = "BYTES", defaultValue = "65536", description = "Longest line accepted; a longer one gets an error and the connection closes (default: ${DEFAULT-VALUE}).")
  int maxLine;

  @Override
  public Integer call() throws InterruptedException {
    trace.applyForServer();
    if (maxLine < 1) {
      throw new UserFacingException("--max-line must be at least 1, got " + maxLine, 64, null);
    }
    TcpSentenceServer server = new TcpSentenceServer(BindAddress.of(bind, port), maxLine);
    server.start();
    UntilSignal.await(server);
    return 0;
  }
}
