package dev.cachalot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cachalot.UserFacingException;
import dev.cachalot.proxy.Cidr;
import dev.cachalot.proxy.SecurityConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SecurityOptionsTest {

  @TempDir Path dir;

  private static SecurityConfig parse(String... args) {
    ProxyCommand command = new ProxyCommand();
    new CommandLine(command).parseArgs(args);
    return command.security.toConfig();
  }

  @Test
  void defaultsAreTheSafeOnes() {
    assertThat(parse()).isEqualTo(SecurityConfig.defaults());
  }

  @Test
  void everyOptionReachesTheConfig() throws Exception {
    Path users = dir.resolve("users");
    Files.writeString(users, "alice:salt:" + "ab".repeat(32) + "\n");
    SecurityConfig c = parse("--allow", "10.0.0.0/8", "--allow", "2001:db8::/32", "--auth-file", users.toString(),
        "--max-connections", "50", "--max-connections-per-client", "5", "--header-timeout", "3s", "--allow-link-local");
    assertThat(c.allow()).containsExactly(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8::/32"));
    assertThat(c.auth()).isPresent();
    assertThat(c.maxConnections()).isEqualTo(50);
    assertThat(c.maxConnectionsPerClient()).isEqualTo(5);
    assertThat(c.headerReadTimeout()).hasSeconds(3);
    assertThat(c.allowLinkLocal()).isTrue();
  }

  @Test
  void badValuesAreOneLineErrors() {
    assertThat(catchThrowableOfType(UserFacingException.class, () -> parse("--allow", "example.com")))
        .hasMessageContaining("--allow: not an IP network: example.com")
        .extracting(UserFacingException::exitCode).isEqualTo(64);
    assertThat(catchThrowableOfType(UserFacingException.class, () -> parse("--max-connections", "0")))
        .hasMessageContaining("--max-connections must be positive");
    assertThat(catchThrowableOfType(UserFacingException.class,
        () -> parse("--auth-file", dir.resolve("missing").toString())))
        .hasMessageContaining("--auth-file: cannot read")
        .extracting(UserFacingException::exitCode).isEqualTo(66);
  }
}
