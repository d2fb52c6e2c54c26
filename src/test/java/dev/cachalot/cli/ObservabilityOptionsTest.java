package dev.cachalot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachalot.UserFacingException;
import dev.cachalot.admin.ProxyMetrics;
import dev.cachalot.proxy.AccessLogFormat;
import dev.cachalot.proxy.Observability;
import dev.cachalot.proxy.ProxyListener;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ObservabilityOptionsTest {

  @Command(name = "probe")
  static final class Probe {
    @Mixin ObservabilityOptions options;
  }

  private static ObservabilityOptions parse(String... args) {
    Probe probe = new Probe();
    new CommandLine(probe).parseArgs(args);
    return probe.options;
  }

  @Test
  void defaults() {
    ObservabilityOptions options = parse();
    assertThat(options.admin).isEqualTo(new InetSocketAddress("127.0.0.1", 8889));
    assertThat(options.accessLogFormat).isEqualTo(AccessLogFormat.SQUID);
    assertThat(options.trace).isFalse();
    Observability observability = options.observability(new InetSocketAddress("127.0.0.1", 8888));
    assertThat(observability.listener()).isInstanceOf(ProxyMetrics.class);
    ((ProxyMetrics) observability.listener()).close();
  }

  @Test
  void adminNoneAndCombined() {
    ObservabilityOptions options = parse("--admin", "none", "--access-log-format", "Combined");
    assertThat(options.admin).isNull();
    Observability observability = options.observability(new InetSocketAddress("127.0.0.1", 8888));
    assertThat(observability.listener()).isSameAs(ProxyListener.NONE);
    assertThat(observability.accessLogFormat()).isEqualTo(AccessLogFormat.COMBINED);
    assertThat(options.startAdmin(null)).isNull();
  }

  @Test
  void rejectsBadValues() {
    assertThatThrownBy(() -> parse("--access-log-format", "xml"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("expected squid or combined");
    assertThatThrownBy(() -> parse("--admin", "127.0.0.1:99999")).isInstanceOf(CommandLine.ParameterException.class);
    assertThatThrownBy(() -> parse("--admin", "off")).isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("'off' is not a port number").hasMessageContaining("or none to turn the admin endpoint off");
    assertThatThrownBy(() -> parse("--admin-auth-file", "/nonexistent/admins").observability(new InetSocketAddress("127.0.0.1", 8888)))
        .isInstanceOf(UserFacingException.class).hasMessageStartingWith("--admin-auth-file: cannot read /nonexistent/admins")
        .extracting(e -> ((UserFacingException) e).exitCode()).isEqualTo(66);
    ObservabilityOptions samePort = parse("--admin", "127.0.0.1:8888");
    assertThatThrownBy(() -> samePort.observability(new InetSocketAddress("127.0.0.1", 8888)))
        .isInstanceOf(UserFacingException.class).hasMessageContaining("proxy's own port");
  }

  @Test
  void accessLogRotation() {
    assertThat(parse().observability(new InetSocketAddress("127.0.0.1", 8888)).accessLogRotation())
        .isEqualTo(dev.cachalot.proxy.AccessLogRotation.NONE);
    assertThat(parse("--admin", "none", "--access-log-rotate", "size:100m").accessLogRotation())
        .isEqualTo(dev.cachalot.proxy.AccessLogRotation.bySize(100L << 20, 7));
    assertThat(parse("--admin", "none", "--access-log-rotate", "daily", "--access-log-keep", "30").accessLogRotation())
        .isEqualTo(dev.cachalot.proxy.AccessLogRotation.daily(30));
    assertThatThrownBy(() -> parse("--access-log-rotate", "weekly"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("expected size:SIZE");
    assertThatThrownBy(() -> parse("--access-log-rotate", "size:lots"))
        .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("not a size");
    assertThatThrownBy(() -> parse("--access-log-rotate", "size:1m", "--access-log-keep", "50").accessLogRotation())
        .isInstanceOf(UserFacingException.class).hasMessageContaining("--access-log-keep 50").hasMessageContaining("at most 20");
  }

  @Test
  void rotatingTheAccessLogNeedsAFile() {
    java.io.StringWriter err = new java.io.StringWriter();
    CommandLine cli = Main.newCommandLine();
    cli.setErr(new java.io.PrintWriter(err, true));
    int exit = cli.execute("proxy", "--listen", "127.0.0.1:0", "--admin", "none", "--cache-dir", "none",
        "--access-log-rotate", "daily");
    assertThat(exit).isEqualTo(64);
    assertThat(err.toString()).contains("--access-log-rotate needs --access-log FILE");
  }
}
