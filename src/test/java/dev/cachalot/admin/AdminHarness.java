package dev.cachalot.admin;

import dev.cachalot.proxy.AccessLogFormat;
import dev.cachalot.proxy.Observability;
import dev.cachalot.proxy.ProxyConfig;
import dev.cachalot.proxy.ProxyServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import org.openqa.selenium.json.Json;

/** The proxy and its admin endpoint on ephemeral loopback ports, and clients for both. */
final class AdminHarness implements AutoCloseable {

  final ProxyMetrics metrics = new ProxyMetrics();
  final ProxyServer proxy;
  final AdminServer admin;
  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  private final HttpClient viaProxy;
  private final HttpClient direct;

  AdminHarness() {
    this(java.util.function.UnaryOperator.identity());
  }

  AdminHarness(java.util.function.UnaryOperator<ProxyConfig> customizer) {
    proxy = ProxyServer.start(customizer.apply(ProxyConfig.defaults()).withListen(new InetSocketAddress("127.0.0.1", 0)),
        new Observability(metrics, AccessLogFormat.SQUID));
    admin = AdminServer.start(new InetSocketAddress("127.0.0.1", 0), metrics.watchTiers(proxy::tiers),
        dev.cachalot.proxy.AdminAccess.LOOPBACK, java.util.Optional.empty());
    viaProxy = HttpClient.newBuilder().executor(executor).proxy(ProxySelector.of(proxy.address()))
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    direct = HttpClient.newBuilder().executor(executor).proxy(HttpClient.Builder.NO_PROXY)
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  String adminUrl(String path) {
    return "http://127.0.0.1:" + admin.address().getPort() + path;
  }

  /** GET through the proxy. */
  HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return viaProxy.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        BodyHandlers.ofString());
  }

  /** A request straight to the admin port. */
  HttpResponse<String> admin(String method, String path) throws IOException, InterruptedException {
    return direct.send(HttpRequest.newBuilder(URI.create(adminUrl(path))).timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), BodyHandlers.ofString());
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> stats() throws IOException, InterruptedException {
    return new Json().toType(admin("GET", "/api/stats").body(), Map.class);
  }

  /**
   * Stats once {@code ready} holds: the access log (and so the listener) hears of a request when its
   * last byte was written, which can be just after the client has read it.
   */
  Map<String, Object> statsWhen(Predicate<Map<String, Object>> ready) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Map<String, Object> stats = stats();
    while (!ready.test(stats) && System.nanoTime() < deadline) {
      Thread.sleep(20);
      stats = stats();
    }
    return stats;
  }

  @SuppressWarnings("unchecked")
  static long total(Map<String, Object> stats, String name) {
    return ((Number) ((Map<String, Object>) stats.get("totals")).get(name)).longValue();
  }

  @Override
  public void close() {
    executor.shutdownNow();
    admin.close();
    proxy.close();
    metrics.close();
  }
}
