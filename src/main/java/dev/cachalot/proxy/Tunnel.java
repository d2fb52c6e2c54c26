package dev.cachalot.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * CONNECT (RFC 9110 §9.3.6): a TCP tunnel to host:port, for HTTPS. After "200 Connection
 * established" the HTTP handlers leave the client pipeline and bytes are relayed both ways.
 */
final class Tunnel {

  private static final HttpResponseStatus ESTABLISHED = new HttpResponseStatus(200, "Connection established");

  private Tunnel() {}

  static void open(ProxyFrontend frontend, ProxyEngine engine, HttpRequest connect, long start) {
    ChannelHandlerContext ctx = frontend.context();
    OriginKey destination;
    try {
      destination = parseAuthority(connect.uri());
    } catch (IllegalArgumentException e) {
      frontend.reject(connect, HttpResponseStatus.BAD_REQUEST, e.getMessage(), start);
      return;
    }
    if (!engine.config.connectPorts().contains(destination.port())) {
      frontend.reject(connect, HttpResponseStatus.FORBIDDEN, "CONNECT to port " + destination.port()
          + " is not allowed (allowed: " + engine.config.connectPorts() + "; see --connect-ports)", start);
      return;
    }
    ChannelFuture connecting = engine.tunnelBootstrap.clone(ctx.channel().eventLoop())
        .handler(new io.netty.channel.ChannelInboundHandlerAdapter())
        .connect(InetSocketAddress.createUnresolved(destination.host(), destination.port()));
    connecting.addListener(f -> {
      Channel client = ctx.channel();
      if (!f.isSuccess()) {
        HttpResponseStatus status = f.cause() instanceof DestinationGuard.Refused refused
            ? (refused.loop ? HttpResponseStatus.valueOf(508) : HttpResponseStatus.FORBIDDEN)
            : f.cause() instanceof ConnectTimeoutException
            ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.BAD_GATEWAY;
        FullHttpResponse error = ErrorResponses.of(ctx.alloc(), status, describe(destination, f.cause()), engine.config.pseudonym());
        error.headers().set("Connection", HttpHeaderValues.CLOSE);
        frontend.logAccess(start, "TCP_TUNNEL", status.code(), 0, connect, "HIER_NONE/-", "-");
        ctx.writeAndFlush(error).addListener(ChannelFutureListener.CLOSE);
        return;
      }
      Channel origin = connecting.channel();
      if (!client.isActive()) {
        origin.close();
        return;
      }
      String loopback = DestinationGuard.loopbackRefusal(frontend.clientInetAddress(), origin.remoteAddress());
      if (loopback != null) {
        origin.close();
        frontend.reject(connect, HttpResponseStatus.FORBIDDEN, loopback, start);
        return;
      }
      FullHttpResponse established = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, ESTABLISHED);
      ctx.writeAndFlush(established).addListener(w -> {
        if (!w.isSuccess()) {
          origin.close();
          return;
        }
        String peer = origin.remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
            ? a.getAddress().getHostAddress() : "-";
        AtomicLong bytes = new AtomicLong();
        engine.listener.tunnelOpened();
        if (Trace.on()) {
          Trace.event("tunnel to {} ({}) opened after {} ms", destination, peer, System.currentTimeMillis() - start);
        }
        origin.closeFuture().addListener(c -> {
          engine.listener.tunnelClosed();
          if (Trace.on()) {
            Trace.event("tunnel to {} closed after {} ms, {} bytes relayed", destination,
                System.currentTimeMillis() - start, bytes.get());
          }
          frontend.logAccess(start, "TCP_TUNNEL", 200, bytes.get(), connect, "HIER_DIRECT/" + peer, "-");
        });
        splice(client.pipeline(), origin, bytes);
      });
    });
  }

  /** Replaces the HTTP handlers with a raw relay; bytes the codec had buffered flow into the relay. */
  private static void splice(ChannelPipeline clientPipeline, Channel origin, AtomicLong bytes) {
    Channel client = clientPipeline.channel();
    client.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    clientPipeline.addLast("relay", new RelayHandler(origin, bytes));
    origin.pipeline().addLast("relay", new RelayHandler(client, bytes));
    clientPipeline.remove(ClientPipeline.FRONTEND);
    clientPipeline.remove(ClientPipeline.CODEC);
    origin.flush();
    client.config().setAutoRead(true);
    origin.config().setAutoRead(true);
  }

  static OriginKey parseAuthority(String authority) {
    try {
      URI uri = new URI(null, authority, null, null, null).parseServerAuthority();
      if (uri.getHost() == null || uri.getPort() < 0) {
        throw new IllegalArgumentException("CONNECT needs host:port, got: " + authority);
      }
      String host = uri.getHost();
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      return new OriginKey(host, uri.getPort());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("CONNECT needs host:port, got: " + authority);
    }
  }

  private static String describe(OriginKey destination, Throwable cause) {
    if (cause instanceof DestinationGuard.Refused) {
      return cause.getMessage();
    }
    if (cause instanceof UnknownHostException) {
      return "cannot resolve host " + destination.host() + " (DNS lookup failed)";
    }
    if (cause instanceof ConnectTimeoutException) {
      return "connecting to " + destination + " timed out";
    }
    if (cause instanceof ConnectException) {
      return "cannot connect to " + destination + ": connection refused (no server listening there?)";
    }
    return "cannot connect to " + destination + ": " + cause.getMessage();
  }
}
