package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.testing.RawHttp;
import dev.cachalot.testing.TestOrigin;
import dev.cachalot.testing.TestOrigin.Response;
import dev.cachalot.testing.TestProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Request line, header, connection and header-read-time limits, each answered with its standard status. */
@Timeout(30)
class LimitsTest {

  @RegisterExtension final TestOrigin origin = new TestOrigin();

  private static final Duration T = Duration.ofSeconds(5);

  private String get(String path) {
    return "GET " + origin.url(path) + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n";
  }

  @Test
  void requestLineOver8KiBIs414() {
    try (TestProxy proxy = new TestProxy().start(); RawHttp c = RawHttp.connect(proxy.address(), T)) {
      RawHttp.Response r = c.write("GET " + origin.url("/" + "a".repeat(9000)) + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
      assertThat(r.status()).isEqualTo(414);
      assertThat(r.bodyText()).startsWith("414 ");
      assertThat(c.closedByPeer()).isTrue();
    }
  }

  @Test
  void headersOver64KiBAre431() {
    try (TestProxy proxy = new TestProxy().start(); RawHttp c = RawHttp.connect(proxy.address(), T)) {
      RawHttp.Response r = c.write("GET " + origin.url("/a") + " HTTP/1.1\r\nHost: x\r\nX-Big: "
          + "b".repeat(70 * 1024) + "\r\n\r\n").readResponse();
      assertThat(r.status()).isEqualTo(431);
      assertThat(c.closedByPeer()).isTrue();
    }
  }

  @Test
  void moreThan100FieldsAre431ButExactly100Pass() {
    origin.handle("/a", r -> Response.ok("ok"));
    try (TestProxy proxy = new TestProxy().start(); RawHttp c = RawHttp.connect(proxy.address(), T)) {
      StringBuilder ok = new StringBuilder("GET " + origin.url("/a") + " HTTP/1.1\r\nHost: x\r\n");
      for (int i = 1; i < 100; i++) {
        ok.append("X-F").append(i).append(": v\r\n");
      }
      assertThat(c.write(ok.append("\r\n").toString()).readResponse().status()).isEqualTo(200);
      StringBuilder tooMany = new StringBuilder("GET " + origin.url("/a") + " HTTP/1.1\r\nHost: x\r\n");
      for (int i = 0; i < 101; i++) {
        tooMany.append("X-F").append(i).append(": v\r\n");
      }
      RawHttp.Response r = c.write(tooMany.append("\r\n").toString()).readResponse();
      assertThat(r.status()).isEqualTo(431);
      assertThat(r.bodyText()).contains("too many header fields");
    }
  }

  @Test
  void slowlorisGets408AndCloseWithinTheHeaderTimeout() throws Exception {
    try (TestProxy proxy = new TestProxy(c -> c, s -> s.withHeaderReadTimeout(Duration.ofMillis(500))).start()) {
      long start = System.nanoTime();
      // Silent after connecting.
      try (RawHttp silent = RawHttp.connect(proxy.address(), T)) {
        RawHttp.Response r = silent.readResponse();
        assertThat(r.status()).isEqualTo(408);
        assertThat(r.bodyText()).contains("request head not received");
        assertThat(silent.closedByPeer()).isTrue();
      }
      // One byte at a time, never finishing the first line (the sniffer stage).
      try (RawHttp slow = RawHttp.connect(proxy.address(), T)) {
        for (char ch : "GET http://exa".toCharArray()) {
          trickle(slow, String.valueOf(ch));
        }
        assertThat(slow.readResponse().status()).isEqualTo(408);
      }
      // A complete first line, then headers trickling (the codec stage).
      try (RawHttp slow = RawHttp.connect(proxy.address(), T)) {
        slow.write("GET " + origin.url("/a") + " HTTP/1.1\r\n");
        for (int i = 0; i < 12; i++) {
          trickle(slow, "X-" + i + ": v\r\n");
        }
        assertThat(slow.readResponse().status()).isEqualTo(408);
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }

  /** Writes, then pauses; once the proxy has answered and closed, the write fails and is ignored. */
  private static void trickle(RawHttp c, String text) throws InterruptedException {
    try {
      c.write(text);
    } catch (java.io.UncheckedIOException closed) {
      // the 408 is already on its way
    }
    Thread.sleep(60);
  }

  @Test
  void keptAliveConnectionMayIdleLongerThanTheHeaderTimeout() throws Exception {
    origin.handle("/a", r -> Response.ok("ok"));
    try (TestProxy proxy = new TestProxy(c -> c, s -> s.withHeaderReadTimeout(Duration.ofMillis(300))).start();
        RawHttp c = RawHttp.connect(proxy.address(), T)) {
      assertThat(c.write(get("/a")).readResponse().status()).isEqualTo(200);
      Thread.sleep(800);
      assertThat(c.write(get("/a")).readResponse().status()).isEqualTo(200);
      // A slow upload body is not a slow head.
      c.write("POST " + origin.url("/a") + " HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab");
      Thread.sleep(800);
      assertThat(c.write("cd").readResponse().status()).isEqualTo(200);
    }
  }

  @Test
  void refusedConnectKeepsTheHeadTimerForTheNextRequest() throws Exception {
    try (TestProxy proxy = new TestProxy(c -> c, s -> s.withHeaderReadTimeout(Duration.ofMillis(500))).start();
        RawHttp c = RawHttp.connect(proxy.address(), T)) {
      assertThat(c.write("CONNECT 127.0.0.1:25 HTTP/1.1\r\nHost: 127.0.0.1:25\r\n\r\n").readResponse().status())
          .isEqualTo(403);
      c.write("GET " + origin.url("/a") + " HTTP/1.1\r\n"); // and never finish it
      assertThat(c.readResponse().status()).isEqualTo(408);
    }
  }

  @Test
  void connectionsOverThePerClientCapGet503AndOthersStillWork() throws Exception {
    origin.handle("/a", r -> Response.ok("ok"));
    try (TestProxy proxy = new TestProxy(c -> c, s -> s.withMaxConnections(100, 3)).start()) {
      List<RawHttp> open = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          RawHttp c = RawHttp.connect(proxy.address(), T);
          open.add(c);
          assertThat(c.write(get("/a")).readResponse().status()).isEqualTo(200);
        }
        try (RawHttp fourth = RawHttp.connect(proxy.address(), T)) {
          RawHttp.Response r = fourth.readResponse();
          assertThat(r.status()).isEqualTo(503);
          assertThat(r.bodyText()).contains("too many connections from 127.0.0.1").contains("limit 3");
        }
        open.remove(0).close();
        awaitAdmitted(proxy);
      } finally {
        open.forEach(RawHttp::close);
      }
    }
  }

  @Test
  void connectionsOverTheTotalCapGet503() throws Exception {
    try (TestProxy proxy = new TestProxy(c -> c, s -> s.withMaxConnections(2, 100)).start();
        RawHttp a = RawHttp.connect(proxy.address(), T); RawHttp b = RawHttp.connect(proxy.address(), T)) {
      a.write("GET"); // make sure both are accepted before the third
      b.write("GET");
      Thread.sleep(100);
      try (RawHttp third = RawHttp.connect(proxy.address(), T)) {
        RawHttp.Response r = third.readResponse();
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.bodyText()).contains("--max-connections");
      }
    }
  }

  /** After a connection closes its slot frees: a new connection gets through (polls briefly). */
  private void awaitAdmitted(TestProxy proxy) throws Exception {
    origin.handle("/a", r -> Response.ok("ok"));
    long deadline = System.nanoTime() + T.toNanos();
    while (true) {
      try (RawHttp c = RawHttp.connect(proxy.address(), T)) {
        if (c.write(get("/a")).readResponse().status() == 200) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("slot not freed");
      }
      Thread.sleep(50);
    }
  }
}
