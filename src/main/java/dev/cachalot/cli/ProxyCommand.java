package dev.cachalot.cli;

import dev.cachalot.proxy.ProxyConfig;
import dev.cachalot.proxy.ProxyServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Run the caching HTTP/1.1 proxy (forward proxy, CONNECT tunnels, the lab's bare-host lines).")
final class ProxyCommand implements Callable<Integer> {

  @Mixin LoggingOptions logging;

  @Option(names = "--listen", paramLabel = "HOST:PORT", converter = HostPortConverter.class,
      description = "Address to listen on (default: ${DEFAULT-VALUE}). Listening beyond loopback exposes the proxy.",
      defaultValue = "127.0.0.1:8888")
  InetSocketAddress listen;

  @Option(names = "--connect-ports", paramLabel = "PORT", split = ",",
      description = "Ports CONNECT may reach (default: 443).", defaultValue = "443")
  List<Integer> connectPorts;

  @Option(names = "--access-log", paramLabel = "FILE",
      description = "Write the access log (Squid native format) to FILE instead of stdout.")
  Path accessLog;

  @Option(names = "--connect-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Origin connect timeout (default: ${DEFAULT-VALUE}).", defaultValue = "10s")
  Duration connectTimeout;

  @Option(names = "--first-byte-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "How long an origin may stay silent before 504 (default: ${DEFAULT-VALUE}).", defaultValue = "60s")
  Duration firstByteTimeout;

  @Mixin SecurityOptions security;

  @Override
  public Integer call() throws Exception {
    ProxyConfig config = ProxyConfig.defaults()
        .withListen(listen)
        .withConnectPorts(new LinkedHashSet<>(connectPorts))
        .withTimeouts(connectTimeout, firstByteTimeout)
        .withAccessLog(Optional.ofNullable(accessLog));
    try (ProxyServer server = ProxyServer.start(config, security.toConfig())) {
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "cachalot-shutdown"));
      server.awaitClose();
    }
    return 0;
  }
}
