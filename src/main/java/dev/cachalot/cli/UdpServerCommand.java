package dev.cachalot.cli;

import dev.cachalot.sentence.UdpSentenceServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "udp-server",
    mixinStandardHelpOptions = true,
    description = "Answer each UDP datagram with its text upper-cased (the lab's UDP server).")
final class UdpServerCommand implements Callable<Integer> {

  @Mixin LoggingOptions logging;
  @Mixin TraceOptions trace;

  @Option(names = "--bind", paramLabel = "ADDRESS", description = "Listen on this address only (default: all interfaces).")
  String bind;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "12000", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Override
  public Integer call() throws InterruptedException {
    trace.applyForServer();
    UdpSentenceServer server = new UdpSentenceServer(BindAddress.of(bind, port));
    server.start();
    UntilSignal.await(server);
    return 0;
  }
}
