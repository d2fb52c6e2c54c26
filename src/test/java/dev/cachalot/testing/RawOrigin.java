package dev.cachalot.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving origin on plain sockets: for each request head it receives, it writes exactly the
 * bytes it was given (nothing is checked or fixed), optionally one byte at a time with a pause, then
 * closes. For faults a well-behaved Netty origin cannot produce: lies, garbage, trickles.
 */
public final class RawOrigin implements AutoCloseable {

  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile byte[] answer = new byte[0];
  private volatile long pauseMillis;

  public RawOrigin() {
    try {
      server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Thread acceptor = new Thread(this::acceptLoop, "raw-origin");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** What to send for every request: these exact bytes, then close. */
  public RawOrigin answer(String raw) {
    this.answer = raw.getBytes(StandardCharsets.ISO_8859_1);
    return this;
  }

  /** Sends the answer one byte at a time with this pause before each byte. */
  public RawOrigin trickle(long millis) {
    this.pauseMillis = millis;
    return this;
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getLocalPort() + path;
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  public int requests() {
    return requests.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        open.add(s);
        Thread t = new Thread(() -> serve(s), "raw-origin-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setSoTimeout(30_000);
      InputStream in = s.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) >= 0) {
        head.write(b);
        byte[] h = head.toByteArray();
        int n = h.length;
        if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
          break;
        }
      }
      if (b < 0) {
        return;
      }
      requests.incrementAndGet();
      OutputStream out = s.getOutputStream();
      byte[] bytes = answer;
      if (pauseMillis > 0) {
        for (byte x : bytes) {
          Thread.sleep(pauseMillis);
          out.write(x);
          out.flush();
        }
      } else {
        out.write(bytes);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // the proxy went away: fine
    } finally {
      open.remove(s);
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing
      }
    }
  }
}
