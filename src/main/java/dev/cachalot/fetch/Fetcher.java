package dev.cachalot.fetch;

import dev.cachalot.UserFacingException;
import dev.cachalot.trace.WireTrace;
import dev.cachalot.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Sends one request through a proxy and streams the response to the caller's streams. Netty's
 * HttpClientCodec frames the response; with {@code raw} the bytes are copied as they arrive, before
 * the codec, so the output is exactly what the proxy sent. Output is written on the connection's
 * single I/O thread: a slow output stream slows reading, which is the back-pressure a one-connection
 * client wants.
 */
public final class Fetcher {

  /** sysexits EX_UNAVAILABLE: no proxy, or no (complete) answer. */
  public static final int UNAVAILABLE = 69;
  /** sysexits EX_NOHOST. */
  public static final int NO_HOST = 68;
  /** sysexits EX_IOERR: the output could not be written. */
  public static final int IO_ERROR = 74;

  /** One request: what, through which proxy, how, and how long the proxy may stay silent. */
  public record Request(FetchTarget target, InetSocketAddress proxy, boolean head, boolean raw, Duration timeout,
      String userAgent) {
    public Request {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
    }
  }

  private Fetcher() {}

  /**
   * Fetches and writes: unless raw, the status line and header fields (one per line, then an empty
   * line) to {@code headOut} and the body to {@code bodyOut}; with raw, every byte received to
   * {@code bodyOut}. Returns once the response is complete; throws {@link UserFacingException}
   * when there is no proxy, no answer, or the answer ends early.
   */
  public static FetchResult fetch(Request request, OutputStream headOut, OutputStream bodyOut, FetchListener listener) {
    InetSocketAddress proxy = resolve(request.proxy());
    Transport transport = Transport.best();
    EventLoopGroup group = transport.newGroup(1, new DefaultThreadFactory("cachalot-fetch", true));
    try {
      CompletableFuture<FetchResult> result = new CompletableFuture<>();
      ResponseHandler handler = new ResponseHandler(request, headOut, bodyOut, listener, result);
      int timeoutMillis = (int) Math.min(request.timeout().toMillis(), Integer.MAX_VALUE);
      // Kept here, not looked up in the pipeline: a closed channel's pipeline is emptied.
      WireCounter counter = WireTrace.on() ? new WireCounter() : null;
      Bootstrap bootstrap = new Bootstrap()
          .group(group)
          .channel(transport.socketChannel())
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              if (counter != null) {
                ch.pipeline().addLast("wire", counter);
              }
              ch.pipeline().addLast("timeout", new ReadTimeoutHandler(timeoutMillis, TimeUnit.MILLISECONDS));
              if (request.raw()) {
                ch.pipeline().addLast("raw", new RawTap(bodyOut, handler));
              }
              ch.pipeline().addLast("http", new HttpClientCodec(new HttpDecoderConfig(), false, true));
              ch.pipeline().addLast("response", handler);
            }
          });
      long connectStart = System.nanoTime();
      ChannelFuture connect = bootstrap.connect(proxy).awaitUninterruptibly();
      if (!connect.isSuccess()) {
        if (WireTrace.on()) {
          WireTrace.event("TCP: connect to proxy {} failed after {} ms: {}", WireTrace.address(proxy),
              WireTrace.millisSince(connectStart), connect.cause().getMessage());
        }
        throw connectFailure(request.proxy(), request.timeout(), connect.cause());
      }
      Channel channel = connect.channel();
      if (WireTrace.on()) {
        WireTrace.event("TCP: connected {} -> proxy {} in {} ms (SYN, SYN-ACK, ACK)",
            WireTrace.address(channel.localAddress()), WireTrace.address(channel.remoteAddress()),
            WireTrace.millisSince(connectStart));
      }
      FullHttpRequest http = httpRequest(request);
      if (WireTrace.on()) {
        WireTrace.event("HTTP: request head: {}", WireTrace.head(http));
      }
      handler.sentAt = System.nanoTime();
      channel.writeAndFlush(http).addListener(f -> {
        if (!f.isSuccess()) {
          result.completeExceptionally(f.cause());
        }
      });
      try {
        return result.get();
      } catch (ExecutionException e) {
        throw failure(request, e.getCause(), handler);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UserFacingException("interrupted", 130, e);
      } finally {
        channel.close().awaitUninterruptibly();
        if (counter != null) {
          WireTrace.event("TCP: closed {} -> proxy {} after {} ms: {} bytes sent, {} bytes received",
              WireTrace.address(channel.localAddress()), WireTrace.address(channel.remoteAddress()),
              WireTrace.millisSince(connectStart), counter.sent, counter.received);
        }
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
  }

  private static InetSocketAddress resolve(InetSocketAddress proxy) {
    try {
      return new InetSocketAddress(WireTrace.resolve(proxy.getHostString()), proxy.getPort());
    } catch (UnknownHostException e) {
      throw new UserFacingException("unknown proxy host '" + proxy.getHostString()
          + "': the name does not resolve; check --proxy or http_proxy", NO_HOST, e);
    }
  }

  private static FullHttpRequest httpRequest(Request request) {
    FetchTarget target = request.target();
    // Absolute form: a proxy needs the whole URL in the request line (RFC 9112 §3.2.2).
    FullHttpRequest http = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
        request.head() ? HttpMethod.HEAD : HttpMethod.GET, target.url());
    http.headers()
        .set(HttpHeaderNames.HOST, target.hostHeader())
        .set(HttpHeaderNames.USER_AGENT, request.userAgent())
        .set(HttpHeaderNames.ACCEPT, "*/*")
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return http;
  }

  static String hostPort(InetSocketAddress address) {
    String host = address.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  private static UserFacingException connectFailure(InetSocketAddress proxy, Duration timeout, Throwable cause) {
    String where = hostPort(proxy);
    if (cause instanceof ConnectException && !(cause instanceof ConnectTimeoutException)) {
      return new UserFacingException("no proxy listening on " + where + " — start one with `cachalot proxy"
          + (where.equals("127.0.0.1:8888") ? "" : " --listen " + where) + "`", UNAVAILABLE, cause);
    }
    if (cause instanceof ConnectTimeoutException) {
      return new UserFacingException("no answer from proxy " + where + " within " + human(timeout)
          + ": the host may be down or a firewall may drop the connection", UNAVAILABLE, cause);
    }
    return new UserFacingException("cannot connect to proxy " + where + ": " + cause.getMessage(), UNAVAILABLE, cause);
  }

  private static UserFacingException failure(Request request, Throwable cause, ResponseHandler handler) {
    if (cause instanceof UserFacingException userFacing) {
      return userFacing;
    }
    if (cause instanceof UncheckedIOException output) {
      return new UserFacingException("cannot write the output: " + output.getCause().getMessage(), IO_ERROR, cause);
    }
    String where = hostPort(request.proxy());
    if (cause instanceof ReadTimeoutException) {
      return new UserFacingException((handler.headSeen() ? "the response stalled: " : "no response: ")
          + "proxy " + where + " sent nothing for " + human(request.timeout()), UNAVAILABLE, cause);
    }
    if (handler.headSeen()) {
      return new UserFacingException("the response from proxy " + where + " ended early after "
          + handler.bodyBytes() + " body bytes" + handler.expectedSuffix() + " (connection closed or reset)",
          UNAVAILABLE, cause);
    }
    String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return new UserFacingException("no response from proxy " + where + ": " + message, UNAVAILABLE, cause);
  }

  static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /** The connection closed before the response was complete. */
  static final class ClosedEarly extends IOException {
    private static final long serialVersionUID = 1L;

    ClosedEarly() {
      super("connection closed before the response was complete");
    }
  }

  /** Counts the bytes each way as they cross the socket, for the trace's closing line. */
  private static final class WireCounter extends io.netty.channel.ChannelDuplexHandler {
    volatile long sent;
    volatile long received;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf buf) {
        received += buf.readableBytes();
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise promise) {
      if (msg instanceof ByteBuf buf) {
        int n = buf.readableBytes();
        io.netty.channel.ChannelPromise counted = promise.unvoid();
        ctx.write(msg, counted);
        counted.addListener(f -> {
          if (f.isSuccess()) {
            sent += n;
            if (WireTrace.on()) {
              WireTrace.event("TCP: sent {} bytes", n);
            }
          }
        });
        return;
      }
      ctx.write(msg, promise);
    }
  }

  /** Copies every received byte to the output before the codec sees it (--raw). */
  private static final class RawTap extends ChannelInboundHandlerAdapter {
    private final OutputStream out;
    private final ResponseHandler handler;

    RawTap(OutputStream out, ResponseHandler handler) {
      this.out = out;
      this.handler = handler;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf buf && buf.isReadable()) {
        try {
          buf.getBytes(buf.readerIndex(), out, buf.readableBytes());
          handler.rawBytes(buf.readableBytes());
        } catch (IOException e) {
          ReferenceCountUtil.release(msg);
          throw new UncheckedIOException(e);
        }
      }
      ctx.fireChannelRead(msg);
    }
  }

  /** Turns the decoded response into output, and completes the result at its end. */
  private static final class ResponseHandler extends ChannelInboundHandlerAdapter {
    private final Request request;
    private final OutputStream headOut;
    private final OutputStream bodyOut;
    private final FetchListener listener;
    private final CompletableFuture<FetchResult> result;
    private volatile boolean headSeen;
    private volatile long bodyBytes;
    private volatile long contentLength = -1;
    private long rawBytes;
    private int status;
    private String reason;
    volatile long sentAt;

    ResponseHandler(Request request, OutputStream headOut, OutputStream bodyOut, FetchListener listener,
        CompletableFuture<FetchResult> result) {
      this.request = request;
      this.headOut = headOut;
      this.bodyOut = bodyOut;
      this.listener = listener;
      this.result = result;
    }

    boolean headSeen() {
      return headSeen;
    }

    long bodyBytes() {
      return bodyBytes;
    }

    String expectedSuffix() {
      return contentLength >= 0 ? " of " + contentLength : "";
    }

    void rawBytes(int n) {
      rawBytes += n;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (result.isDone()) {
          return;
        }
        if (msg instanceof HttpResponse response) {
          onHead(response);
        }
        if (msg instanceof HttpContent content) {
          onContent(content);
        }
      } catch (IOException e) {
        result.completeExceptionally(new UncheckedIOException(e));
        ctx.close();
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void onHead(HttpResponse response) throws IOException {
      if (response.decoderResult().isFailure()) {
        throw new UserFacingException("the proxy sent an invalid response: "
            + response.decoderResult().cause().getMessage(), UNAVAILABLE, response.decoderResult().cause());
      }
      if (WireTrace.on()) {
        WireTrace.event("HTTP: response head after {} ms: {}", WireTrace.millisSince(sentAt), WireTrace.head(response));
      }
      int code = response.status().code();
      if (code >= 100 && code < 200) {
        // An interim response: printed (as curl -i does), the final one follows.
        writeHead(response);
        return;
      }
      headSeen = true;
      status = code;
      reason = response.status().reasonPhrase();
      if (!request.head()) {
        contentLength = HttpUtil.getContentLength(response, -1L);
      }
      writeHead(response);
      listener.started(code, contentLength);
    }

    private void writeHead(HttpResponse response) throws IOException {
      if (request.raw()) {
        return;
      }
      StringBuilder head = new StringBuilder();
      head.append(response.protocolVersion().text()).append(' ').append(response.status().code()).append(' ')
          .append(response.status().reasonPhrase()).append('\n');
      for (Map.Entry<String, String> field : response.headers()) {
        head.append(field.getKey()).append(": ").append(field.getValue()).append('\n');
      }
      head.append('\n');
      headOut.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      headOut.flush();
    }

    private void onContent(HttpContent content) throws IOException {
      if (content.decoderResult().isFailure()) {
        result.completeExceptionally(content.decoderResult().cause());
        return;
      }
      if (!headSeen) {
        return;
      }
      ByteBuf buf = content.content();
      int n = buf.readableBytes();
      if (n > 0) {
        if (!request.raw()) {
          buf.getBytes(buf.readerIndex(), bodyOut, n);
        }
        bodyBytes += n;
        listener.progress(bodyBytes);
      }
      if (content instanceof LastHttpContent) {
        bodyOut.flush();
        if (WireTrace.on()) {
          WireTrace.event("HTTP: response complete after {} ms: {} body bytes", WireTrace.millisSince(sentAt), bodyBytes);
        }
        listener.finished(bodyBytes);
        result.complete(new FetchResult(status, reason, request.raw() ? rawBytes : bodyBytes));
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      result.completeExceptionally(new ClosedEarly());
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      result.completeExceptionally(cause);
      ctx.close();
    }
  }
}
