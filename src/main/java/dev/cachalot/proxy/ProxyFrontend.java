package dev.cachalot.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection. Queues what the HTTP codec decodes and hands each message on when its
 * consumer is ready (see {@link #drain}), admits each request, and hands it to the cache front, an
 * exchange or a tunnel. The connection moves
 * through these states:
 *
 * <ul>
 *   <li>idle: waiting for the next request head;
 *   <li>exchanging: a {@link ForwardExchange} owns the connection until it calls {@link #exchangeDone};
 *   <li>discarding: the proxy answered by itself and skips the rest of that request's body;
 *   <li>tunnelling: a CONNECT is being set up; afterwards this handler leaves the pipeline.
 * </ul>
 */
final class ProxyFrontend extends ChannelInboundHandlerAdapter implements ClientSide {

  private static final Logger log = LoggerFactory.getLogger(ProxyFrontend.class);
  static final int MAX_HEADER_FIELDS = 100;

  /** Decoded messages not yet handed on; beyond this many, the socket stops being read. */
  private static final int HIGH_WATER = 16;
  private static final int LOW_WATER = 4;

  private final ProxyEngine engine;
  private ChannelHandlerContext ctx;
  private ForwardExchange exchange;
  private boolean tunnelling;
  /** A request is being answered (forwarded or from the cache); the next request waits in {@link #inbound}. */
  private boolean busy;
  /** The current exchange asked for the next piece of its request body. */
  private boolean contentWanted;
  private boolean draining;
  /** The request stream is broken: close once the current answer is written. */
  private boolean closeWhenDone;
  private boolean drainAgain;
  private final ArrayDeque<Object> inbound = new ArrayDeque<>();
  /** The request head whose access was checked off the event loop, and the outcome. */
  private HttpRequest checkedRequest;
  private ClientAccess.Verdict checkedVerdict;

  ProxyFrontend(ProxyEngine engine) {
    this.engine = engine;
  }

  /**
   * Reading is driven by demand rather than by read() calls: the socket is read while fewer than
   * {@link #HIGH_WATER} decoded messages wait, and a message is handed on only when its consumer
   * is ready (a request head when no other request is being answered, body content when the
   * exchange has sent the previous piece). Pipelined requests therefore wait in order, and an
   * upload is read only as fast as the origin takes it.
   */
  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    ctx.channel().config().setAutoRead(true);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    inbound.add(msg);
    if (inbound.size() >= HIGH_WATER) {
      ctx.channel().config().setAutoRead(false);
    }
    drain();
  }

  private void drain() {
    if (draining) {
      drainAgain = true;
      return;
    }
    draining = true;
    try {
      do {
        drainAgain = false;
        Object next;
        while ((next = inbound.peek()) != null && ready(next)) {
          inbound.poll();
          dispatch(next);
        }
      } while (drainAgain);
    } finally {
      draining = false;
    }
    if (!tunnelling && inbound.size() <= LOW_WATER && ctx.channel().isActive()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  private boolean ready(Object msg) {
    if (tunnelling) {
      return msg instanceof HttpContent;
    }
    if (msg instanceof HttpRequest request) {
      if (busy) {
        return false;
      }
      if (request != checkedRequest) {
        ClientAccess.Verdict cheap = engine.access.checkIfCheap(ctx.channel().remoteAddress(), request);
        if (cheap == null) {
          checkAccessElsewhere(request);
          return false;
        }
        checkedRequest = request;
        checkedVerdict = cheap;
      }
      return true;
    }
    return exchange == null || contentWanted;
  }

  /**
   * Credentials not verified before cost a password hash: it runs on another thread while this
   * request (and what follows it on the connection) waits, so that other clients on this event
   * loop are not held up, by a new client or by one guessing passwords.
   */
  private void checkAccessElsewhere(HttpRequest request) {
    busy = true;
    engine.access.checkElsewhere(ctx.channel().remoteAddress(), request, engine.credentialChecks)
        .whenComplete((verdict, failure) -> ctx.executor().execute(() -> {
          checkedRequest = request;
          checkedVerdict = failure == null ? verdict : ClientAccess.Verdict.AUTH_REQUIRED;
          busy = false;
          drain();
        }));
  }

  private void dispatch(Object msg) {
    if (msg instanceof HttpRequest request) {
      onRequestHead(request);
    } else if (msg instanceof HttpContent content) {
      if (content.decoderResult().isFailure()) {
        onMalformedBody(content);
        return;
      }
      if (exchange != null) {
        contentWanted = false;
        exchange.onRequestContent(content);
      } else {
        // The rest of a request answered without forwarding it (a hit, a refusal): skipped.
        content.release();
      }
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  /**
   * A request body the decoder could not frame (a bad chunk size, a missing CRLF): the decoder
   * stops there, so the rest of the connection is unreadable. The origin must never see the request
   * completed (that is how a smuggled request would get in): the exchange discards its origin
   * connection and answers 400, or cuts the response already under way; then the connection closes.
   */
  private void onMalformedBody(HttpContent content) {
    Throwable cause = content.decoderResult().cause();
    content.release();
    releaseInbound();
    closeWhenDone = true;
    if (exchange != null) {
      ForwardExchange broken = exchange;
      contentWanted = false;
      broken.onRequestMalformed("malformed request body: " + describe(cause));
    } else if (!busy) {
      ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void onRequestHead(HttpRequest request) {
    long start = System.currentTimeMillis();
    if (Trace.on()) {
      Trace.event("request head from {}: {}", clientAddress(), Trace.head(request));
    }
    ClientAccess.Verdict verdict = request == checkedRequest ? checkedVerdict
        : engine.access.check(ctx.channel().remoteAddress(), request);
    checkedRequest = null;
    if (verdict == ClientAccess.Verdict.FORBIDDEN) {
      rejectAndClose(request, HttpResponseStatus.FORBIDDEN,
          "client " + clientAddress() + " is not allowed to use this proxy", start);
      return;
    }
    DecoderResult result = request.decoderResult();
    if (result.isFailure()) {
      rejectAndClose(request, statusFor(result.cause()), "malformed request: " + describe(result.cause()), start);
      return;
    }
    String refusal = admission(request);
    if (refusal != null) {
      HttpResponseStatus status = refusal.startsWith("forwarding loop") ? HttpResponseStatus.FORBIDDEN
          : refusal.startsWith("Upgrade") ? HttpResponseStatus.NOT_IMPLEMENTED
          : refusal.startsWith("too many") ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
          : HttpResponseStatus.BAD_REQUEST;
      reject(request, status, refusal, start);
      return;
    }
    if (verdict == ClientAccess.Verdict.THROTTLED) {
      LoginThrottle.Refusal throttled = engine.access.loginRefusal(clientInetAddress());
      FullHttpResponse response = ErrorResponses.of(ctx.alloc(), HttpResponseStatus.TOO_MANY_REQUESTS,
          throttled.message(), engine.config.pseudonym());
      response.headers().set("Retry-After", throttled.retryAfterSeconds());
      respond(request, response, start);
      return;
    }
    if (verdict == ClientAccess.Verdict.AUTH_REQUIRED) {
      FullHttpResponse response = ErrorResponses.of(ctx.alloc(), HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED,
          "proxy authentication required", engine.config.pseudonym());
      response.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, "Basic realm=\"cachalot\"");
      respond(request, response, start);
      return;
    }
    if (HttpMethod.CONNECT.equals(request.method())) {
      // Bytes after the CONNECT belong to the tunnel, not to the HTTP codec: stop reading until it is up.
      tunnelling = true;
      ctx.channel().config().setAutoRead(false);
      Tunnel.open(this, engine, request, start);
      return;
    }
    Target target;
    try {
      target = engine.config.reverse().enabled()
          ? Target.reverse(request.uri(), request.headers().get(HttpHeaderNames.HOST), engine.config.reverse())
          : Target.parseRemembered(request.uri());
    } catch (IllegalArgumentException e) {
      reject(request, HttpResponseStatus.BAD_REQUEST, e.getMessage(), start);
      return;
    } catch (java.util.NoSuchElementException e) {
      reject(request, HttpResponseStatus.MISDIRECTED_REQUEST, "no origin is configured for this Host", start);
      return;
    }
    if (Purge.METHOD.equals(request.method())) {
      // A pipelined request waits while the shared tier answers.
      busy = true;
      Purge.answer(engine, ctx, target, response -> {
        busy = false;
        respond(request, response, start);
        drain();
      });
      return;
    }
    if (!"http".equals(target.scheme())) {
      reject(request, HttpResponseStatus.NOT_IMPLEMENTED,
          target.scheme() + ":// URLs are reached through a CONNECT tunnel, not as a forwarded request", start);
      return;
    }
    if (MaxForwards.answersHere(request)) {
      respond(request, MaxForwards.answer(ctx.alloc(), request, engine.config.pseudonym()), start);
      return;
    }
    busy = true;
    CacheFront.handle(this, engine, request, target, start, (observer, originOverrides) -> {
      exchange = new ForwardExchange(this, engine, request, target, start, observer, originOverrides);
      exchange.start();
    });
  }

  /** Why a request is refused before any origin is contacted, or null when it may proceed. */
  private String admission(HttpRequest request) {
    var headers = request.headers();
    if (headers.size() > MAX_HEADER_FIELDS) {
      return "too many header fields (" + headers.size() + ", limit " + MAX_HEADER_FIELDS + ")";
    }
    if (headers.contains(HttpHeaderNames.CONTENT_LENGTH) && headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
      // RFC 9112 §6.1: such a message may be a smuggling attempt; never forward it.
      return "both Content-Length and Transfer-Encoding present";
    }
    if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING) && !HttpUtil.isTransferEncodingChunked(request)) {
      return "Transfer-Encoding must end in chunked";
    }
    if (HeaderRewriter.viaNames(headers, engine.config.pseudonym())) {
      return "forwarding loop detected: this request already passed through " + engine.config.pseudonym();
    }
    if (headers.contains(HttpHeaderNames.UPGRADE) && !HttpMethod.CONNECT.equals(request.method())) {
      return "Upgrade (" + headers.get(HttpHeaderNames.UPGRADE) + ") is not supported by this proxy";
    }
    return null;
  }

  private static HttpResponseStatus statusFor(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return HttpResponseStatus.REQUEST_URI_TOO_LONG;
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
    }
    if (cause instanceof TooLongFrameException) {
      return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
    }
    return HttpResponseStatus.BAD_REQUEST;
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : message;
  }

  /** Answers a request without forwarding it; keeps the connection when no body must be skipped. */
  void reject(HttpRequest request, HttpResponseStatus status, String cause, long start) {
    if (tunnelling && HttpMethod.CONNECT.equals(request.method())) {
      // A refused CONNECT never became a tunnel: read on (otherwise the connection would hang,
      // unread and exempt from the idle timeout, holding a connection slot for ever).
      tunnelling = false;
      drain(); // reading resumes once the queue is short (also when refused later, from the connect listener)
    }
    FullHttpResponse response = ErrorResponses.of(ctx.alloc(), status, cause, engine.config.pseudonym());
    respond(request, response, start);
  }

  private void respond(HttpRequest request, FullHttpResponse response, long start) {
    boolean keepAlive = HttpUtil.isKeepAlive(request) && !hasBody(request);
    logAccess(start, "TCP_DENIED", response.status().code(), response.content().readableBytes(), request, "HIER_NONE/-",
        response.headers().get(HttpHeaderNames.CONTENT_TYPE));
    finishWith(response, keepAlive);
  }

  private void rejectAndClose(HttpRequest request, HttpResponseStatus status, String cause, long start) {
    FullHttpResponse response = ErrorResponses.of(ctx.alloc(), status, cause, engine.config.pseudonym());
    logAccess(start, "NONE", status.code(), response.content().readableBytes(), request, "HIER_NONE/-",
        response.headers().get(HttpHeaderNames.CONTENT_TYPE));
    finishWith(response, false);
  }

  /** Writes a complete answer of the proxy's own, then reads on (skipping the rest of the request) or closes. */
  private void finishWith(FullHttpResponse response, boolean keepAlive) {
    if (!keepAlive) {
      response.headers().set("Connection", HttpHeaderValues.CLOSE);
    }
    ChannelFuture written = ctx.writeAndFlush(response);
    if (!keepAlive) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static boolean hasBody(HttpRequest request) {
    return HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0;
  }

  @Override
  public void logAccess(long start, String result, int status, long bytes, HttpRequest request, String hierarchy,
      String contentType) {
    engine.accessLog.record(start, clientAddress(), result, status, bytes, request, hierarchy, contentType);
  }

  @Override
  public java.net.InetAddress clientInetAddress() {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress address ? address.getAddress() : null;
  }

  String clientAddress() {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress address && address.getAddress() != null
        ? address.getAddress().getHostAddress()
        : "-";
  }

  /** No request is being answered or waiting: the connection may be closed for shutdown. */
  boolean isIdle() {
    return !busy && !tunnelling && inbound.isEmpty();
  }

  // --- what exchanges and tunnels use ---

  ChannelHandlerContext context() {
    return ctx;
  }

  @Override
  public EventLoop loop() {
    return ctx.channel().eventLoop();
  }

  @Override
  public ByteBufAllocator alloc() {
    return ctx.alloc();
  }

  @Override
  public void readNext() {
    contentWanted = true;
    drain();
  }

  @Override
  public ChannelFuture write(HttpObject msg) {
    return ctx.writeAndFlush(msg);
  }

  @Override
  public ChannelFuture writeUnflushed(HttpObject msg) {
    return ctx.write(msg);
  }

  @Override
  public void flush() {
    ctx.flush();
  }

  @Override
  public boolean isWritable() {
    return ctx.channel().isWritable();
  }

  /** The exchange has written its whole response; the connection continues or closes. */
  @Override
  public void exchangeDone(boolean keepAlive) {
    exchange = null;
    busy = false;
    contentWanted = false;
    if (!keepAlive || closeWhenDone || !ctx.channel().isActive()) {
      releaseInbound();
      ctx.close();
      return;
    }
    drain();
  }

  private void releaseInbound() {
    Object msg;
    while ((msg = inbound.poll()) != null) {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void abort() {
    exchange = null;
    busy = false;
    releaseInbound();
    // What was written reaches the client before the cut, which it must see as a truncated response.
    ctx.flush();
    ctx.close();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.onClientWritabilityChanged(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseInbound();
    if (exchange != null) {
      exchange.onClientClosed();
      exchange = null;
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      if (exchange == null && !tunnelling) {
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("client connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
