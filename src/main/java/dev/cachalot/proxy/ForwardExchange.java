package dev.cachalot.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One request forwarded to its origin and the response streamed back, both bodies in bounded memory:
 * the request body is read from the client one chunk at a time, each after the previous one was
 * written to the origin; the response stops being read from the origin while the client cannot
 * take more. Everything runs on the client connection's event loop (the pool keeps origin
 * connections on the same loop).
 */
final class ForwardExchange implements OriginListener {

  private final ClientSide frontend;
  private final ProxyEngine engine;
  private final ExchangeObserver observer;
  private final HttpHeaders originHeaderOverrides;
  private final HttpRequest clientRequest;
  private final Target target;
  private final long startMillis;
  private final EventLoop loop;
  private final boolean clientKeepAlive;
  private final boolean bodylessRequest;

  private Channel origin;
  private boolean retried;
  private boolean requestComplete;
  private boolean responseStarted;
  private boolean responseKeepAlive;
  private long originKeepAliveSeconds = -1;
  private boolean closeAfterResponse;
  private boolean finished;
  private boolean drainOnly;
  private long bodyBytes;
  private int status;
  private String contentType;
  private String originAddress = "-";
  private long lastOriginActivityNanos;
  private ScheduledFuture<?> timeout;
  private long originRequestNanos = System.nanoTime();
  private long requestBodyBytes;

  ForwardExchange(ClientSide frontend, ProxyEngine engine, HttpRequest clientRequest, Target target, long startMillis) {
    this(frontend, engine, clientRequest, target, startMillis, ExchangeObserver.NONE, null);
  }

  /**
   * @param originHeaderOverrides fields set on the origin request (a cache's conditional headers),
   *     or null
   */
  ForwardExchange(ClientSide frontend, ProxyEngine engine, HttpRequest clientRequest, Target target, long startMillis,
      ExchangeObserver observer, HttpHeaders originHeaderOverrides) {
    this.frontend = frontend;
    this.engine = engine;
    this.observer = observer;
    this.originHeaderOverrides = originHeaderOverrides;
    this.clientRequest = clientRequest;
    this.target = target;
    this.startMillis = startMillis;
    this.loop = frontend.loop();
    this.clientKeepAlive = HttpUtil.isKeepAlive(clientRequest);
    this.bodylessRequest = !HttpUtil.isTransferEncodingChunked(clientRequest)
        && HttpUtil.getContentLength(clientRequest, 0L) == 0;
  }

  void start() {
    Future<Channel> acquired = engine.pool.acquire(target.originKey(), loop);
    if (acquired.isDone()) {
      onAcquired(acquired);
    } else {
      acquired.addListener(this::onAcquired);
    }
  }

  private void onAcquired(Future<? super Channel> acquired) {
    if (!acquired.isSuccess()) {
      if (acquired.cause() instanceof ClosedChannelException && !retried && !finished) {
        // Reset while connecting: nothing of the request was sent, so even a POST may try once more.
        retried = true;
        start();
        return;
      }
      failBeforeResponse(acquired.cause());
      return;
    }
    Channel channel = (Channel) acquired.getNow();
    if (finished) {
      engine.pool.release(channel);
      return;
    }
    // A reverse origin is the operator's choice, not the client's: an application on this host's
    // loopback interface behind the proxy is the usual accelerator set-up.
    String loopback = engine.config.reverse().enabled() ? null
        : DestinationGuard.loopbackRefusal(frontend.clientInetAddress(), channel.remoteAddress());
    if (loopback != null) {
      engine.pool.release(channel); // unused and clean
      failBeforeResponse(new DestinationGuard.Refused(loopback, false));
      return;
    }
    origin = channel;
    if (Trace.on()) {
      Trace.event("origin {} ready after {} ms ({})", target.originKey(), Trace.millisSince(originRequestNanos), channel);
    }
    originRequestNanos = System.nanoTime();
    if (channel.remoteAddress() instanceof InetSocketAddress address && address.getAddress() != null) {
      originAddress = address.getAddress().getHostAddress();
    }
    observer.onOriginConnected(channel.remoteAddress());
    OriginHandler.of(channel).attach(this);
    channel.config().setAutoRead(true);
    lastOriginActivityNanos = System.nanoTime();
    HttpRequest originRequest = originRequest();
    if (Trace.on()) {
      Trace.event("origin request: {}", Trace.head(originRequest));
    }
    channel.writeAndFlush(originRequest).addListener(f -> {
      if (!f.isSuccess() && origin == channel) {
        onOriginFailure(f.cause());
      }
    });
    if (bodylessRequest) {
      // Nothing to stream: the request is complete now, whatever the client's (empty) body does.
      requestComplete = true;
      armTimeout();
    } else {
      frontend.readNext();
    }
  }

  private HttpRequest originRequest() {
    HttpHeaders headers = HeaderRewriter.withoutHopByHop(clientRequest.headers());
    // RFC 9112 §3.2.2: a proxy replaces Host with the authority of the absolute-form target.
    headers.set("Host", target.hostHeader());
    HeaderRewriter.appendVia(headers, clientRequest.protocolVersion(), engine.config.pseudonym());
    if (originHeaderOverrides != null) {
      // The cache validates its own stored response, in full: the client's conditionals and range
      // are answered from that response afterwards.
      headers.remove(HttpHeaderNames.IF_NONE_MATCH).remove(HttpHeaderNames.IF_MODIFIED_SINCE)
          .remove(HttpHeaderNames.RANGE).remove(HttpHeaderNames.IF_RANGE);
      headers.setAll(originHeaderOverrides);
    }
    if (HttpUtil.isTransferEncodingChunked(clientRequest)) {
      headers.set("Transfer-Encoding", HttpHeaderValues.CHUNKED);
    }
    if (bodylessRequest) {
      // Head and end in one message: one pass through the encoder and one write promise, not two.
      return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, clientRequest.method(), target.pathAndQuery(),
          Unpooled.EMPTY_BUFFER, headers, EmptyHttpHeaders.INSTANCE);
    }
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, clientRequest.method(), target.pathAndQuery(), headers);
  }

  /** The next piece of the request body, read from the client only after the previous one was sent. */
  void onRequestContent(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (finished || origin == null || requestComplete) {
      content.release();
      return;
    }
    if (last) {
      requestComplete = true;
      armTimeout();
    }
    requestBodyBytes += content.content().readableBytes();
    Channel channel = origin;
    channel.writeAndFlush(content).addListener(f -> {
      if (!f.isSuccess()) {
        if (origin == channel) {
          onOriginFailure(f.cause());
        }
      } else if (!last && !finished) {
        frontend.readNext();
      }
    });
  }

  @Override
  public void onOriginMessage(HttpObject msg) {
    lastOriginActivityNanos = System.nanoTime();
    if (finished && !drainOnly) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse response) {
      onResponseHead(response);
    }
    if (msg instanceof HttpContent content && drainOnly) {
      drain(content);
    } else if (msg instanceof HttpContent content && !finished) {
      if (responseStarted) {
        onResponseContent(content);
      } else {
        // The empty end Netty's decoder emits after an interim (1xx) response: not the final response's end.
        content.release();
      }
    } else if (!(msg instanceof HttpContent)) {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onResponseHead(HttpResponse response) {
    if (response.decoderResult().isFailure()) {
      ReferenceCountUtil.release(response);
      // On a reused connection, garbage usually means the previous response carried more bytes
      // than its Content-Length said: the connection is poisoned, not this exchange.
      if (!retryOnFreshConnection(response.decoderResult().cause())) {
        failBeforeResponse(new InvalidOriginResponse(response.decoderResult().cause()));
      }
      return;
    }
    int code = response.status().code();
    if (code >= 100 && code < 200) {
      if (code != 101) {
        // A full message: the client-side encoder expects an interim response's (empty) end.
        frontend.write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, response.status(), Unpooled.EMPTY_BUFFER,
            HeaderRewriter.withoutHopByHop(response.headers()), EmptyHttpHeaders.INSTANCE));
      }
      return;
    }
    status = code;
    target.rewriteSelfReferences(response.headers());
    engine.listener.originResponded(System.nanoTime() - originRequestNanos);
    if (Trace.on()) {
      Trace.event("origin response after {} ms: {}", Trace.millisSince(originRequestNanos), Trace.head(response));
    }
    contentType = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
    responseKeepAlive = HttpUtil.isKeepAlive(response);
    originKeepAliveSeconds = keepAliveTimeout(response.headers().get(HttpHeaderNames.KEEP_ALIVE));
    responseStarted = true;
    HttpResponse toClient = clientResponse(response);
    if (!observer.onResponseHead(response, toClient.headers())) {
      drainOnly = true;
      finished = true;
      return;
    }
    frontend.writeUnflushed(toClient);
  }

  @Override
  public void onOriginReadComplete() {
    if (responseStarted) {
      frontend.flush();
    }
  }

  private HttpResponse clientResponse(HttpResponse response) {
    HttpHeaders headers = HeaderRewriter.withoutHopByHop(response.headers());
    HeaderRewriter.appendVia(headers, response.protocolVersion(), engine.config.pseudonym());
    boolean mayHaveBody = !HttpMethod.HEAD.equals(clientRequest.method())
        && status != 204 && status != 304;
    boolean http10Client = clientRequest.protocolVersion().equals(HttpVersion.HTTP_1_0);
    if (mayHaveBody && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      if (http10Client) {
        closeAfterResponse = true;
      } else {
        headers.set("Transfer-Encoding", HttpHeaderValues.CHUNKED);
      }
    }
    if (!clientKeepAlive || closeAfterResponse) {
      headers.set("Connection", HttpHeaderValues.CLOSE);
    } else if (http10Client) {
      headers.set("Connection", HttpHeaderValues.KEEP_ALIVE);
    }
    return new DefaultHttpResponse(HttpVersion.HTTP_1_1, response.status(), headers);
  }

  private void onResponseContent(HttpContent content) {
    if (content.decoderResult().isFailure()) {
      // Truncated or malformed body: the client must see an aborted response, never a clean short one.
      content.release();
      abort();
      return;
    }
    bodyBytes += content.content().readableBytes();
    observer.onResponseContent(content.content());
    if (content instanceof LastHttpContent) {
      boolean reusable = responseKeepAlive && requestComplete && origin.isActive();
      releaseOrigin(reusable);
      observer.onResponseComplete();
      frontend.write(content).addListener(f -> complete(f.isSuccess()));
      return;
    }
    frontend.writeUnflushed(content);
    if (!frontend.isWritable() && origin != null) {
      origin.config().setAutoRead(false);
    }
  }

  /** The observer answered the client; the origin's body only has to pass so the connection can be reused. */
  private void drain(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    boolean broken = content.decoderResult().isFailure();
    content.release();
    if (broken) {
      discardOrigin();
    } else if (last) {
      releaseOrigin(responseKeepAlive && requestComplete && origin != null && origin.isActive());
    }
  }

  private void complete(boolean written) {
    if (finished) {
      return;
    }
    finished = true;
    cancelTimeout();
    if (Trace.on()) {
      Trace.event("{} {} done in {} ms: {} {}, {} body bytes to origin, {} from origin", clientRequest.method(),
          clientRequest.uri(), System.currentTimeMillis() - startMillis, status, observer.accessResult(),
          requestBodyBytes, bodyBytes);
    }
    frontend.logAccess(startMillis, observer.accessResult(), status, bodyBytes, clientRequest, "HIER_DIRECT/" + originAddress, contentType);
    frontend.exchangeDone(written && clientKeepAlive && !closeAfterResponse && requestComplete);
  }

  void onClientWritabilityChanged(boolean writable) {
    if (origin != null) {
      origin.config().setAutoRead(writable);
    }
  }

  @Override
  public void onOriginWritabilityChanged(boolean writable) {
    // Request bodies are paced by write completion, not by writability.
  }

  @Override
  public void onOriginFailure(Throwable cause) {
    if (finished) {
      return;
    }
    if (!responseStarted) {
      if (!retryOnFreshConnection(cause)) {
        failBeforeResponse(cause);
      }
    } else {
      abort();
    }
  }

  /** The {@code timeout=N} parameter of a Keep-Alive field, or -1. */
  static long keepAliveTimeout(String keepAlive) {
    if (keepAlive == null) {
      return -1;
    }
    for (String parameter : keepAlive.split(",")) {
      String[] nameValue = parameter.trim().split("=", 2);
      if (nameValue.length == 2 && nameValue[0].trim().equalsIgnoreCase("timeout")) {
        try {
          return Long.parseLong(nameValue[1].trim());
        } catch (NumberFormatException e) {
          return -1;
        }
      }
    }
    return -1;
  }

  /**
   * Discards the origin connection and, when it was a reused one and the request can safely be
   * sent again (idempotent, no body, not retried yet), starts over on a fresh connection: the
   * origin may have closed the kept-alive connection as we reused it (RFC 9112 §9.3.1).
   */
  private boolean retryOnFreshConnection(Throwable cause) {
    Channel failed = origin;
    boolean reused = failed != null && OriginPool.wasReused(failed);
    discardOrigin();
    if (Trace.on()) {
      Trace.event("origin {} failed before the response ({}){}", failed, cause,
          reused ? ", a reused connection" : "");
    }
    if (!reused || retried || !bodylessRequest || !isIdempotent()) {
      return false;
    }
    retried = true;
    engine.pool.evictIdle(target.originKey(), loop);
    start();
    return true;
  }

  private boolean isIdempotent() {
    HttpMethod m = clientRequest.method();
    return m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.OPTIONS)
        || m.equals(HttpMethod.TRACE) || m.equals(HttpMethod.PUT) || m.equals(HttpMethod.DELETE);
  }

  /**
   * The client's request body turned out malformed: the origin connection is discarded so the
   * partial request is never completed; the client gets 400 or, if the response is under way, a cut.
   */
  void onRequestMalformed(String cause) {
    if (finished) {
      discardOrigin();
      return;
    }
    if (responseStarted) {
      abort();
      return;
    }
    finished = true;
    cancelTimeout();
    discardOrigin();
    observer.onAbort();
    var response = ErrorResponses.of(frontend.alloc(), HttpResponseStatus.BAD_REQUEST, cause, engine.config.pseudonym());
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    status = 400;
    long length = response.content().readableBytes();
    var written = frontend.write(response);
    frontend.logAccess(startMillis, "NONE", status, length, clientRequest, "HIER_DIRECT/" + originAddress, "text/plain");
    written.addListener(f -> frontend.exchangeDone(false));
  }

  void onClientClosed() {
    if (!finished) {
      observer.onAbort();
    }
    finished = true;
    cancelTimeout();
    discardOrigin();
  }

  private void failBeforeResponse(Throwable cause) {
    if (finished) {
      return;
    }
    finished = true;
    cancelTimeout();
    discardOrigin();
    if (Trace.on()) {
      Trace.event("origin failed before a response: {} ({})", describe(cause), cause.toString());
    }
    if (observer.onOriginUnreachable(cause)) {
      return;
    }
    HttpResponseStatus errorStatus = cause instanceof DestinationGuard.Refused refused
        ? (refused.loop ? HttpResponseStatus.valueOf(508) : HttpResponseStatus.FORBIDDEN)
        : cause instanceof ConnectTimeoutException || cause instanceof OriginTimeout
        || cause instanceof TimeoutException
        ? HttpResponseStatus.GATEWAY_TIMEOUT
        : HttpResponseStatus.BAD_GATEWAY;
    var response = ErrorResponses.of(frontend.alloc(), errorStatus, describe(cause), engine.config.pseudonym());
    boolean keepAlive = clientKeepAlive && (requestComplete || bodylessRequest);
    if (!keepAlive) {
      response.headers().set("Connection", HttpHeaderValues.CLOSE);
    }
    status = errorStatus.code();
    long length = response.content().readableBytes();
    var written = frontend.write(response);
    frontend.logAccess(startMillis, "TCP_MISS", status, length, clientRequest, "HIER_DIRECT/" + originAddress, "text/plain");
    written.addListener(f -> frontend.exchangeDone(f.isSuccess() && keepAlive));
  }

  private String describe(Throwable cause) {
    String where = target.originKey().toString();
    if (cause instanceof DestinationGuard.Refused) {
      return cause.getMessage();
    }
    if (cause instanceof UnknownHostException) {
      return "cannot resolve host " + target.host() + " (DNS lookup failed)";
    }
    if (cause instanceof ConnectTimeoutException) {
      return "connecting to " + where + " timed out after " + engine.config.connectTimeout().toSeconds() + " s";
    }
    if (cause instanceof OriginTimeout) {
      return "origin " + where + " did not answer within " + engine.config.firstByteTimeout().toSeconds() + " s";
    }
    if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
      return "cannot connect to " + where + ": connection refused (no server listening there?)";
    }
    if (cause instanceof InvalidOriginResponse) {
      return "invalid response from " + where + ": " + cause.getMessage();
    }
    if (cause instanceof ClosedChannelException) {
      return "origin " + where + " closed the connection without a response";
    }
    if (cause instanceof TimeoutException) {
      return cause.getMessage();
    }
    String message = cause.getMessage();
    return "origin " + where + " failed: " + (message == null ? cause.getClass().getSimpleName() : message);
  }

  /** The response was already under way: cut the client connection so it cannot mistake it for complete. */
  private void abort() {
    if (finished) {
      return;
    }
    finished = true;
    cancelTimeout();
    discardOrigin();
    observer.onAbort();
    frontend.logAccess(startMillis, "TCP_MISS_ABORTED", status, bodyBytes, clientRequest, "HIER_DIRECT/" + originAddress, contentType);
    frontend.abort();
  }

  private void releaseOrigin(boolean reusable) {
    cancelTimeout();
    Channel channel = origin;
    origin = null;
    if (channel == null) {
      return;
    }
    OriginHandler.of(channel).detach();
    channel.config().setAutoRead(true);
    if (reusable) {
      engine.pool.release(channel, originKeepAliveSeconds);
    } else {
      engine.pool.discard(channel);
    }
  }

  private void discardOrigin() {
    releaseOrigin(false);
  }

  private void armTimeout() {
    cancelTimeout();
    lastOriginActivityNanos = System.nanoTime();
    long limit = engine.config.firstByteTimeout().toNanos();
    timeout = loop.schedule(this::checkTimeout, limit, TimeUnit.NANOSECONDS);
  }

  /** Fires when the origin may have been silent too long; re-arms itself for the remaining time if not. */
  private void checkTimeout() {
    timeout = null;
    if (finished) {
      return;
    }
    long limit = engine.config.firstByteTimeout().toNanos();
    long silent = System.nanoTime() - lastOriginActivityNanos;
    if (silent < limit) {
      timeout = loop.schedule(this::checkTimeout, limit - silent, TimeUnit.NANOSECONDS);
      return;
    }
    if (responseStarted) {
      abort();
    } else {
      failBeforeResponse(new OriginTimeout());
    }
  }

  private void cancelTimeout() {
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
  }

  /** The origin stayed silent past the first-byte timeout. */
  static final class OriginTimeout extends Exception {
    private static final long serialVersionUID = 1L;

    OriginTimeout() {
      super(null, null, false, false);
    }
  }

  /** The origin's response could not be parsed or framed unambiguously. */
  static final class InvalidOriginResponse extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidOriginResponse(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }
}
