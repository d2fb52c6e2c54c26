package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.testing.RawHttp;
import dev.cachalot.testing.TestOrigin;
import dev.cachalot.testing.TestOrigin.Response;
import dev.cachalot.testing.TestProxy;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sends over 100,000 generated requests (a seeded mutator over a corpus of valid ones: byte flips,
 * inserts and deletes, duplicated and huge fields, bad chunk sizes, bare line ends, extra framing
 * fields) at a running proxy with a local origin, about 25 per connection over thousands of
 * connections. Every connection must be answered with well-formed HTTP and closed within a bound,
 * the proxy must not crash or leak (LeakDetectionExtension), and it must serve a normal request
 * afterwards. Reproduce a failure with -Dfuzz.seed=N.
 */
@Timeout(120)
class FuzzTest {

  private static final int REQUESTS = 100_000;
  private static final int PER_CONNECTION = 25;
  private static final long SEED = Long.getLong("fuzz.seed", 20261124L);
  /** Bound within which each connection must be closed after the client stops sending. */
  private static final Duration CLOSE_BOUND = Duration.ofSeconds(5);

  @RegisterExtension final TestOrigin origin = new TestOrigin();
  @RegisterExtension final TestProxy proxy = new TestProxy(c -> new ProxyConfig(c.listen(), c.connectPorts(),
      c.pseudonym(), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(2), c.originIdleTimeout(),
      c.maxConnectionsPerOrigin(), c.ioThreads(), c.accessLog(), Duration.ofMillis(300), c.cacheMemBytes(), c.cache(),
      c.cacheDir(), c.cacheDiskBytes(), c.reverse(), c.admin()),
      s -> s.withHeaderReadTimeout(Duration.ofSeconds(1)));

  private List<String> corpus() {
    String u = origin.url("");
    String h = "Host: " + origin.authority() + "\r\n";
    return List.of(
        "GET " + u + "/a HTTP/1.1\r\n" + h + "User-Agent: fuzz\r\nAccept: */*\r\n\r\n",
        "GET " + u + "/cached?x=1 HTTP/1.1\r\n" + h + "Accept-Encoding: gzip\r\nCache-Control: max-age=0\r\n\r\n",
        "POST " + u + "/echo HTTP/1.1\r\n" + h + "Content-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world",
        "POST " + u + "/echo HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\n\r\n",
        "GET " + u + "/a HTTP/1.0\r\n" + h + "Connection: keep-alive\r\n\r\n",
        "GET " + u + "/cached HTTP/1.1\r\n" + h + "If-None-Match: \"v1\"\r\nIf-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n",
        "OPTIONS " + u + "/a HTTP/1.1\r\n" + h + "Max-Forwards: 0\r\n\r\n",
        "DELETE " + u + "/echo HTTP/1.1\r\n" + h + "Content-Length: 0\r\n\r\n");
  }

  private static final String[] FRAMING = {
      "Content-Length: 5\r\n", "Content-Length: 99999999999999999999\r\n", "Content-Length: -1\r\n",
      "Transfer-Encoding: chunked\r\n", "Transfer-Encoding: gzip\r\n", "Transfer-Encoding : chunked\r\n",
      "Content-Length: 3, 4\r\n", "X-Folded: a\r\n b\r\n", "Upgrade: websocket\r\n", "Expect: 100-continue\r\n",
      "Via: 1.1 somewhere\r\n", "Max-Forwards: 0\r\n", "Connection: close\r\n", "Host: other\r\n"};

  private static final byte[] INTERESTING = {'\r', '\n', 0, ' ', '\t', ':', ';', ',', '"', '/', '%', (byte) 0xff, '0', 'f'};

  /** One request: valid (about 1 in 4) or mutated one to three times. */
  static String mutate(String request, Random rnd) {
    if (rnd.nextInt(4) == 0) {
      return request;
    }
    StringBuilder s = new StringBuilder(request);
    int rounds = 1 + rnd.nextInt(3);
    for (int i = 0; i < rounds && s.length() > 0; i++) {
      int at = rnd.nextInt(s.length());
      switch (rnd.nextInt(12)) {
        case 0 -> s.setCharAt(at, (char) (s.charAt(at) ^ (1 << rnd.nextInt(8))));
        case 1 -> s.insert(at, (char) (INTERESTING[rnd.nextInt(INTERESTING.length)] & 0xff));
        case 2 -> s.deleteCharAt(at);
        case 3 -> s.insert(at, (char) rnd.nextInt(256));
        case 4 -> { // duplicate a header line
          int line = s.indexOf("\r\n", at);
          int start = s.lastIndexOf("\r\n", at);
          if (line > 0 && start > 0 && line > start) {
            s.insert(line + 2, s.substring(start + 2, line + 2));
          }
        }
        case 5 -> insertField(s, FRAMING[rnd.nextInt(FRAMING.length)]);
        case 6 -> { // huge value, sometimes past the limits
          int size = rnd.nextInt(10) == 0 ? 70_000 : rnd.nextInt(9000);
          insertField(s, "X-Huge: " + "h".repeat(size) + "\r\n");
        }
        case 7 -> { // bad chunk size in a chunked body
          int chunk = s.indexOf("\r\n\r\n5\r\n");
          if (chunk > 0) {
            String[] bad = {"zz", "-5", "fffffffffffffffffffff", "", "5 5", "0x5", "6"};
            s.replace(chunk + 4, chunk + 5, bad[rnd.nextInt(bad.length)]);
          } else {
            insertField(s, "Transfer-Encoding: chunked\r\n");
          }
        }
        case 8 -> { // a CRLF becomes a bare LF or a bare CR
          int crlf = s.indexOf("\r\n", at);
          if (crlf >= 0) {
            s.replace(crlf, crlf + 2, rnd.nextBoolean() ? "\n" : "\r");
          }
        }
        case 9 -> s.setLength(at); // truncated
        case 10 -> { // many fields
          StringBuilder many = new StringBuilder();
          for (int k = 0; k < 90 + rnd.nextInt(30); k++) {
            many.append("X-").append(k).append(": v\r\n");
          }
          insertField(s, many.toString());
        }
        default -> { // a long request line
          int space = s.indexOf(" ");
          if (space > 0) {
            s.insert(space + 1, "http://127.0.0.1:1/" + "p".repeat(rnd.nextInt(10) == 0 ? 9000 : 200));
          }
        }
      }
    }
    return s.toString();
  }

  private static void insertField(StringBuilder s, String field) {
    int afterFirstLine = s.indexOf("\r\n");
    if (afterFirstLine > 0) {
      s.insert(afterFirstLine + 2, field);
    }
  }

  @Test
  void mutatedRequestsNeverCrashHangOrLeak() throws Exception {
    origin.handle("/a", r -> Response.ok("a"));
    origin.handle("/cached", r -> Response.ok("cached").header("Cache-Control", "max-age=60").header("ETag", "\"v1\""));
    origin.handle("/echo", r -> Response.ok("echo " + r.bodyText().length()));
    List<String> corpus = corpus();
    int connections = REQUESTS / PER_CONNECTION;
    AtomicLong sent = new AtomicLong();
    AtomicInteger responses = new AtomicInteger();
    AtomicInteger halfClosed = new AtomicInteger();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(24);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        int id = c;
        done.add(pool.submit(() -> {
          Random rnd = new Random(SEED * 1_000_003L + id);
          StringBuilder batch = new StringBuilder();
          for (int i = 0; i < PER_CONNECTION; i++) {
            batch.append(mutate(corpus.get(rnd.nextInt(corpus.size())), rnd));
          }
          // Every other connection ends with a clean request that asks for a close; the rest half-close.
          boolean polite = id % 2 == 0;
          if (polite) {
            batch.append("GET ").append(origin.url("/a")).append(" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
          }
          try {
            String problem = exchange(batch.toString().getBytes(StandardCharsets.ISO_8859_1), polite, responses, halfClosed);
            if (problem != null) {
              failures.add("connection " + id + " (seed " + SEED + "): " + problem);
            }
          } catch (IOException e) {
            failures.add("connection " + id + ": " + e);
          }
          sent.addAndGet(PER_CONNECTION);
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.printf("FuzzTest: %d requests on %d connections in %d ms, %d responses, %d half-closed, seed %d%n",
        sent.get(), connections, took.toMillis(), responses.get(), halfClosed.get(), SEED);
    assertThat(failures).as("connections that hung or got malformed answers").isEmpty();
    assertThat(sent.get()).isGreaterThanOrEqualTo(REQUESTS);
    assertThat(responses.get()).as("the proxy answered plenty").isGreaterThan(connections / 2);
    ClientAbortsTest.awaitAtMost(proxy::openClientConnections, 0, "open client connections");
    try (RawHttp c = RawHttp.connect(proxy.address(), Duration.ofSeconds(5))) {
      assertThat(c.write("GET " + origin.url("/a") + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().bodyText())
          .isEqualTo("a");
    }
  }

  /**
   * Writes the batch and reads until the proxy closes. A polite batch ends with a request asking for a
   * close, so the proxy must close by itself; otherwise the client half-closes after a moment (the
   * proxy may legitimately wait for a body a mutated Content-Length announced). Returns a problem or null.
   */
  private String exchange(byte[] batch, boolean polite, AtomicInteger responses, AtomicInteger halfClosed)
      throws IOException {
    try (Socket s = new Socket(proxy.address().getAddress(), proxy.port())) {
      s.setSoTimeout(polite ? 3000 : 200);
      Thread writer = new Thread(() -> {
        try {
          s.getOutputStream().write(batch);
          s.getOutputStream().flush();
        } catch (IOException e) {
          // the proxy closed after an error: expected
        }
      });
      writer.setDaemon(true);
      writer.start();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      byte[] buf = new byte[16384];
      long deadline = System.nanoTime() + CLOSE_BOUND.toNanos() + 3_000_000_000L;
      boolean shut = false;
      while (true) {
        int n;
        try {
          n = in.read(buf);
        } catch (SocketTimeoutException e) {
          if (!shut) {
            shut = true;
            halfClosed.incrementAndGet();
            try {
              s.shutdownOutput();
            } catch (IOException ignored) {
              // already closed
            }
            s.setSoTimeout((int) CLOSE_BOUND.toMillis());
            continue;
          }
          return "not closed within " + CLOSE_BOUND + " of the client's half-close; received: " + head(received);
        } catch (IOException e) {
          break; // reset by the proxy: closed
        }
        if (n < 0) {
          break;
        }
        received.write(buf, 0, n);
        if (System.nanoTime() > deadline) {
          return "still sending after " + CLOSE_BOUND.plusSeconds(3);
        }
      }
      return validate(received.toByteArray(), responses);
    }
  }

  /** The bytes must be a sequence of well-formed HTTP/1.1 responses (the last may be cut by the close). */
  private static String validate(byte[] bytes, AtomicInteger responses) {
    if (bytes.length == 0) {
      return null;
    }
    EmbeddedChannel decoder = new EmbeddedChannel(new HttpResponseDecoder());
    try {
      decoder.writeInbound(Unpooled.wrappedBuffer(bytes));
      Object msg;
      while ((msg = decoder.readInbound()) != null) {
        try {
          if (((HttpObject) msg).decoderResult().isFailure()) {
            return "malformed response: " + ((HttpObject) msg).decoderResult().cause() + " in " + head(bytes);
          }
          if (msg instanceof io.netty.handler.codec.http.HttpResponse) {
            responses.incrementAndGet();
          }
        } finally {
          ReferenceCountUtil.release(msg);
        }
      }
      return null;
    } finally {
      decoder.finishAndReleaseAll();
    }
  }

  private static String head(ByteArrayOutputStream out) {
    return head(out.toByteArray());
  }

  private static String head(byte[] bytes) {
    String text = new String(bytes, 0, Math.min(bytes.length, 300), StandardCharsets.ISO_8859_1);
    return text.replace("\r", "\\r").replace("\n", "\\n");
  }
}
