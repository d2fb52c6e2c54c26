package dev.cachalot.cli;

import dev.cachalot.cache.CacheConfig;
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

  @Option(names = "--cache-mem", paramLabel = "SIZE", converter = SizeConverter.class,
      description = "Memory for cached responses (default: ${DEFAULT-VALUE}).", defaultValue = "256m")
  long cacheMem;

  @Option(names = "--cache-max-object", paramLabel = "SIZE", converter = SizeConverter.class,
      description = "Largest response stored; larger ones stream through (default: ${DEFAULT-VALUE}).",
      defaultValue = "64m")
  long cacheMaxObject;

  @Option(names = "--heuristic-percent", paramLabel = "PERCENT",
      description = "Heuristic freshness: this share of the time since Last-Modified (default: ${DEFAULT-VALUE}).",
      defaultValue = "10")
  double heuristicPercent;

  @Option(names = "--heuristic-max", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Cap on heuristic freshness (default: ${DEFAULT-VALUE}).", defaultValue = "1d")
  Duration heuristicMax;

  @Option(names = "--share-set-cookie",
      description = "Serve stored responses that carry Set-Cookie to other clients, as RFC 9111 allows "
          + "(default: only when the origin marks them public or s-maxage).")
  boolean shareSetCookie;

  @Override
  public Integer call() throws Exception {
    ProxyConfig config = ProxyConfig.defaults()
        .withListen(listen)
        .withConnectPorts(new LinkedHashSet<>(connectPorts))
        .withTimeouts(connectTimeout, firstByteTimeout)
        .withAccessLog(Optional.ofNullable(accessLog))
        .withCache(cacheMem, CacheConfig.DEFAULT
            .withMaxObjectBytes(cacheMaxObject)
            .withHeuristic(heuristicPercent / 100.0, heuristicMax)
            .withStoreSetCookie(shareSetCookie));
    try (ProxyServer server = ProxyServer.start(config)) {
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "cachalot-shutdown"));
      server.awaitClose();
    }
    return 0;
  }
}
