package dev.cachalot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.proxy.ProxyAuth;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cachalot passwd}: its line is one the proxy's --auth-file accepts for that password only. */
class PasswdCommandTest {

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String input, String... args) {
    CommandLine cli = Main.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    ((PasswdCommand) cli.getSubcommands().get("passwd").getCommand()).stdin =
        new Stdin(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8, false);
    return new Run(cli.execute(args), out.toString(), err.toString());
  }

  @Test
  void theLineAuthenticatesThatPasswordAndNoOther(@TempDir Path dir) throws Exception {
    Run run = run("s3cret pass\n", "passwd", "alice", "--iterations", "2000");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).matches("alice:pbkdf2-sha256:2000:[0-9a-f]{32}:[0-9a-f]{64}\\R");
    Path file = dir.resolve("users");
    Files.writeString(file, run.out());
    assertThat(ProxyAuth.load(file, "--auth-file")).as("the proxy's --auth-file parser takes it").isNotNull();
    String line = run.out().strip();
    String salt = line.split(":")[3];
    assertThat(ProxyAuth.pbkdf2Line("alice", salt, "s3cret pass", 2000)).isEqualTo(line);
    assertThat(ProxyAuth.pbkdf2Line("alice", salt, "s3cret", 2000)).isNotEqualTo(line);
  }

  @Test
  void twoRunsSaltDifferently() {
    String first = run("pw\n", "passwd", "bob", "--iterations", "1000").out();
    String second = run("pw\n", "passwd", "bob", "--iterations", "1000").out();

    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void badInputIsAOneLineErrorAndNothingIsPrinted() {
    for (List<String> args : List.of(List.of("passwd", "a:b"), List.of("passwd", "bob", "--iterations", "10"))) {
      Run run = run("pw\n", args.toArray(String[]::new));
      assertThat(run.exitCode()).as(args.toString()).isEqualTo(64);
      assertThat(run.out()).isEmpty();
      assertThat(run.err().strip()).startsWith("cachalot: passwd: ").doesNotContain("\n");
    }
    Run empty = run("", "passwd", "bob");
    assertThat(empty.exitCode()).isEqualTo(65);
    assertThat(empty.err()).contains("empty password");
  }
}
