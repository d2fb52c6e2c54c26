package dev.cachalot.cli;

import dev.cachalot.sentence.TcpSentenceClient;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "tcp-client",
    mixinStandardHelpOptions = true,
    description = "Send sentences to a tcp-server and print them upper-cased (the lab's TCP client).")
final class TcpClientCommand implements Callable<Integer> {

  @Mixin LoggingOptions logging;
  @Mixin TraceOptions trace;
  @Mixin ClientOptions client;
  @Spec CommandSpec spec;

  @Option(names = "--retry-for", paramLabel = "DURATION", defaultValue = "0s", converter = DurationConverter.class,
      description = "Keep trying to connect this long while no server listens, e.g. 10s (default: ${DEFAULT-VALUE}, one try).")
  Duration retryFor;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
      description = "Longest wait to connect and for each reply (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  Stdin stdin = Stdin.system();

  @Override
  public Integer call() {
    trace.applyForClient();
    if (retryFor.isNegative()) {
      throw new ParameterException(spec.commandLine(), "--retry-for must not be negative");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new ParameterException(spec.commandLine(), "--timeout must be positive");
    }
    new Conversation(client, stdin, spec.commandLine().getOut())
        .run((host, port) -> TcpSentenceClient.connect(host, port, retryFor, timeout));
    return 0;
  }
}
