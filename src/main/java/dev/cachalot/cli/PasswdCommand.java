package dev.cachalot.cli;

import dev.cachalot.UserFacingException;
import dev.cachalot.proxy.ProxyAuth;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cachalot passwd USER}: prints a line for {@code --auth-file}, in the PBKDF2 form, with a random salt. */
@Command(name = "passwd", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {"Print an --auth-file line for USER: PBKDF2-HMAC-SHA256 with a random salt.",
        "The password is asked for twice without echo on a terminal, else read from the first line of stdin."})
final class PasswdCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "USER", description = "The user name (no ':').")
  String user;

  @Option(names = "--iterations", paramLabel = "N", defaultValue = "100000",
      description = "PBKDF2 iterations, at least 1000 (default: ${DEFAULT-VALUE}; the proxy pays for them once per "
          + "client credentials and then remembers them for 10 minutes, but for every wrong password).")
  int iterations;

  Stdin stdin = Stdin.system();

  @Override
  public Integer call() {
    if (user.isEmpty() || user.contains(":")) {
      throw new UserFacingException("passwd: the user name must be non-empty and without ':', got '" + user + "'", 64,
          null);
    }
    if (iterations < 1000) {
      throw new UserFacingException("passwd: --iterations must be at least 1000, got " + iterations, 64, null);
    }
    String password = stdin.terminal() ? askTwice() : firstLine();
    if (password.isEmpty()) {
      throw new UserFacingException("passwd: empty password", 65, null); // EX_DATAERR
    }
    byte[] salt = new byte[16];
    new SecureRandom().nextBytes(salt);
    spec.commandLine().getOut().println(ProxyAuth.pbkdf2Line(user, HexFormat.of().formatHex(salt), password,
        iterations));
    return 0;
  }

  private String askTwice() {
    Console console = System.console();
    char[] first = console.readPassword("Password for %s: ", user);
    char[] again = console.readPassword("Again: ");
    if (first == null || again == null) {
      throw new UserFacingException("passwd: no password given", 65, null);
    }
    try {
      if (!Arrays.equals(first, again)) {
        throw new UserFacingException("passwd: the two passwords differ", 65, null);
      }
      return new String(first);
    } finally {
      Arrays.fill(first, '\0');
      Arrays.fill(again, '\0');
    }
  }

  private String firstLine() {
    try {
      String line = new BufferedReader(new InputStreamReader(stdin.stream(), stdin.charset())).readLine();
      return line == null ? "" : line;
    } catch (IOException e) {
      throw new UserFacingException("passwd: cannot read the password from stdin: " + e.getMessage(), 74, e);
    }
  }
}
