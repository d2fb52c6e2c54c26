package dev.cachalot.cli;

import dev.cachalot.sentence.UdpSentenceClient;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "udp-client",
    mixinStandardHelpOptions = true,
    description = "Send sentences to a udp-server and print them upper-cased (the lab's UDP client).")
final class UdpClientCommand implements Callable<Integer> {

  @Mixin LoggingOptions logging;
  @Mixin TraceOptions trace;
  @Mixin ClientOptions client;
  @Spec CommandSpec spec;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
      description = "How long to wait for each reply before sending again (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(names = "--retries", paramLabel = "N", defaultValue = "3",
      description = "How many times in all to send a sentence before giving up (default: ${DEFAULT-VALUE}).")
  int retries;

  Stdin stdin = Stdin.system();

  @Override
  public Integer call() {
    trace.applyForClient();
    if (timeout.isNegative() || timeout.isZero()) {
      throw new ParameterException(spec.commandLine(), "--timeout must be positive");
    }
    if (retries < 1) {
      throw new ParameterException(spec.commandLine(), "--retries must be at least 1");
    }
    new Conversation(client, stdin, spec.commandLine().getOut())
        .run((host, port) -> UdpSentenceClient.open(host, port, timeout, retries));
    return 0;
  }
}
