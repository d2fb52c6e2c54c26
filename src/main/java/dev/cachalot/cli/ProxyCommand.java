package dev.cachalot.cli;

import dev.cachalot.proxy.ProxyConfig;
import dev.cachalot.proxy.ProxyServer;
import dev.cachalot.proxy.ReverseRoutes;
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

  @Option(names = "--cache-dir", paramLabel = "DIR|none",
      description = "Keep the cache on disk in DIR, behind the memory cache (default: $XDG_CACHE_HOME/cachalot, "
          + "else ~/.cache/cachalot); 'none' keeps it in memory only.")
  String cacheDir;

  @Option(names = "--cache-disk", paramLabel = "SIZE", converter = SizeConverter.class,
      description = "Bound of the cache directory (default: ${DEFAULT-VALUE}).", defaultValue = "1GiB")
  long cacheDisk;

  @Option(names = "--cache-mem", paramLabel = "SIZE", converter = SizeConverter.class,
      description = "Bound of the memory cache (default: ${DEFAULT-VALUE}).", defaultValue = "256MiB")
  long cacheMem;

  @Option(names = "--reverse", paramLabel = "[HOST=]URL",
      description = "Reverse-proxy (accelerator) mode: send origin-form requests (GET /path) to URL, "
          + "e.g. http://127.0.0.1:9000; repeat as HOST=URL to route by Host.")
  List<String> reverse = List.of();

  @Option(names = "--reverse-host-rewrite",
      description = "In reverse mode, send the origin's authority as Host instead of the client's.")
  boolean reverseHostRewrite;

  @Option(names = "--drain-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "On SIGTERM, how long in-flight responses may take to finish (default: ${DEFAULT-VALUE}).",
      defaultValue = "10s")
  Duration drainTimeout;

  @Override
  public Integer call() throws Exception {
    ProxyConfig config = ProxyConfig.defaults()
        .withListen(listen)
        .withConnectPorts(new LinkedHashSet<>(connectPorts))
        .withTimeouts(connectTimeout, firstByteTimeout)
        .withAccessLog(Optional.ofNullable(accessLog))
        .withCacheDir(CacheDirs.resolve(cacheDir), cacheDisk)
        .withReverse(ReverseRoutes.parse(reverse, reverseHostRewrite));
    config = config.withCache(cacheMem, config.cache());
    try (ProxyServer server = ProxyServer.start(config)) {
      GracefulStop.onSignals(() -> server.shutdown(drainTimeout));
      server.awaitClose();
      server.shutdown(drainTimeout);
    }
    return 0;
  }
}
