package dev.cachalot.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps on open client connections, in total and per client IP, so that one client (or a flood)
 * cannot take every file descriptor. A connection over a cap is answered with 503 and closed
 * before anything is read from it.
 */
final class ConnectionLimits {

  private final int maxTotal;
  private final int maxPerClient;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, AtomicInteger> perClient = new ConcurrentHashMap<>();

  ConnectionLimits(int maxTotal, int maxPerClient) {
    this.maxTotal = maxTotal;
    this.maxPerClient = maxPerClient;
  }

  /** Counts {@code ch} until it closes and returns null, or returns why it is refused. */
  String admit(Channel ch) {
    InetAddress client = ch.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    if (total.incrementAndGet() > maxTotal) {
      total.decrementAndGet();
      return "too many connections to this proxy (limit " + maxTotal + ", see --max-connections)";
    }
    if (client != null) {
      AtomicInteger count = perClient.compute(client, (k, v) -> {
        AtomicInteger c = v == null ? new AtomicInteger() : v;
        c.incrementAndGet();
        return c;
      });
      if (count.get() > maxPerClient) {
        release(client);
        return "too many connections from " + client.getHostAddress() + " (limit " + maxPerClient
            + ", see --max-connections-per-client)";
      }
    }
    ch.closeFuture().addListener(f -> release(client));
    return null;
  }

  private void release(InetAddress client) {
    total.decrementAndGet();
    if (client != null) {
      perClient.computeIfPresent(client, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
    }
  }

  int open() {
    return total.get();
  }

  /** Answers a refused connection with 503 and a close; nothing is read from it. */
  static final class Refuse extends ChannelInboundHandlerAdapter {
    private final String cause;
    private final ProxyEngine engine;
    private final long start = System.currentTimeMillis();

    Refuse(String cause, ProxyEngine engine) {
      this.cause = cause;
      this.engine = engine;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ByteBuf response = rawResponse(503, "Service Unavailable", cause, engine.config.pseudonym());
      int bytes = response.readableBytes();
      engine.accessLog.record(start, clientOf(ctx.channel()), "NONE", 503, bytes, "-", "-", "HIER_NONE/-", "text/plain");
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  static String clientOf(Channel ch) {
    return ch.remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
        ? a.getAddress().getHostAddress() : "-";
  }

  /** A complete HTTP/1.1 error response as bytes, for places where no HTTP encoder is in the pipeline. */
  static ByteBuf rawResponse(int code, String reason, String cause, String pseudonym) {
    String body = code + " " + reason + ": " + cause + "\n";
    byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + code + " " + reason + "\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n"
        + "Content-Length: " + bodyBytes.length + "\r\n"
        + "Cache-Control: no-store\r\n"
        + "Via: 1.1 " + pseudonym + "\r\n"
        + "Connection: close\r\n\r\n";
    return Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.ISO_8859_1), bodyBytes);
  }
}
