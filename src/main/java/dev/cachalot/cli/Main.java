package dev.cachalot.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: the only place that turns a command's result into a process exit code. */
@Command(
    name = "cachalot",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "A caching HTTP proxy, and the TCP/UDP sentence service it grew out of.",
    subcommands = {
      ProxyCommand.class,
      FetchCommand.class,
      CacheCommand.class,
      PasswdCommand.class,
      UdpServerCommand.class,
      UdpClientCommand.class,
      TcpServerCommand.class,
      TcpClientCommand.class,
      CommandLine.HelpCommand.class,
    })
public final class Main {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command line and returns its exit code; used by tests that drive the CLI in-process. */
  public static int run(String... args) {
    return newCommandLine().execute(args);
  }

  static CommandLine newCommandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(new OneLineErrors());
    cli.setParameterExceptionHandler((ex, args) -> {
      var err = ex.getCommandLine().getErr();
      err.println("cachalot: " + ex.getMessage() + " (see: " + ex.getCommandLine().getCommandSpec().qualifiedName()
          + " --help)");
      err.flush();
      return ex.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
    });
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    return cli;
  }
}
