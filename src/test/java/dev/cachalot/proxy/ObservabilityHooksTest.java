package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cachalot.testing.TestOrigin;
import dev.cachalot.testing.TestOrigin.Response;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The trace logger, the listener's events and the combined access-log line. */
@Timeout(30)
class ObservabilityHooksTest {

  @RegisterExtension final TestOrigin origin = new TestOrigin();

  @Test
  void traceAndListenerFollowARequest() throws Exception {
    origin.handle("/t", r -> Response.ok("traced\n").header("Cache-Control", "max-age=60"));
    Logger trace = (Logger) LoggerFactory.getLogger(Trace.NAME);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    trace.addAppender(lines);
    Level before = trace.getLevel();
    trace.setLevel(Level.INFO);
    List<ProxyListener.Finished> finished = new CopyOnWriteArrayList<>();
    List<Long> origins = new CopyOnWriteArrayList<>();
    ProxyListener listener = new ProxyListener() {
      @Override
      public void requestFinished(Finished request) {
        finished.add(request);
      }

      @Override
      public void originResponded(long nanos) {
        origins.add(nanos);
      }
    };
    try (ProxyServer proxy = ProxyServer.start(ProxyConfig.defaults().withListen(new InetSocketAddress("127.0.0.1", 0)),
        new Observability(listener, AccessLogFormat.COMBINED))) {
      HttpClient client = HttpClient.newBuilder().proxy(ProxySelector.of(proxy.address()))
          .version(HttpClient.Version.HTTP_1_1).build();
      for (int i = 0; i < 2; i++) {
        var response = client.send(HttpRequest.newBuilder(URI.create(origin.url("/t")))
            .header("Cookie", "session=secret-token").timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (finished.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
    } finally {
      trace.setLevel(before);
      trace.detachAppender(lines);
    }
    assertThat(finished).extracting(ProxyListener.Finished::result).containsExactly("TCP_MISS", "TCP_MEM_HIT");
    assertThat(finished.get(0).url()).isEqualTo(origin.url("/t"));
    assertThat(origins).hasSize(1);

    List<String> messages = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(messages).anySatisfy(m -> assertThat(m).startsWith("request head from 127.0.0.1: GET " + origin.url("/t")));
    assertThat(messages).anySatisfy(m -> assertThat(m).startsWith("cache GET " + origin.url("/t") + ": MISS"));
    assertThat(messages).anySatisfy(m -> assertThat(m).startsWith("cache GET " + origin.url("/t") + ": FRESH"));
    assertThat(messages).anySatisfy(m -> assertThat(m).startsWith("origin request: GET /t HTTP/1.1"));
    assertThat(messages).anySatisfy(m -> assertThat(m).matches("origin response after \\d+ ms: HTTP/1.1 200 OK.*"));
    assertThat(messages).anySatisfy(m -> assertThat(m).matches("GET .*/t done in \\d+ ms: 200 TCP_MISS, 0 body bytes to origin, 7 from origin"));
    assertThat(String.join("\n", messages)).doesNotContain("secret-token");
  }

  @Test
  void combinedLine() {
    long at = java.time.ZonedDateTime.of(2026, 3, 5, 13, 55, 36, 0, java.time.ZoneId.systemDefault())
        .toInstant().toEpochMilli();
    String line = AccessLog.combined(at, "10.0.0.7", 200, 2326, "GET http://example.test/a?b=\"c\" HTTP/1.1",
        null, "curl/8.5");
    assertThat(line).matches("10\\.0\\.0\\.7 - - \\[05/Mar/2026:13:55:36 [+-]\\d{4}] "
        + "\"GET http://example\\.test/a\\?b=\\\\\"c\\\\\" HTTP/1\\.1\" 200 2326 \"-\" \"curl/8\\.5\"");
    assertThat(AccessLog.combined(at, "-", 304, 0, "GET / HTTP/1.1", "http://r/", null)).contains("\" 304 - \"http://r/\" \"-\"");
  }
}
