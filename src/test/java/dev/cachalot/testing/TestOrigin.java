package dev.cachalot.testing;

import dev.cachalot.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real HTTP/1.1 origin on 127.0.0.1 and an ephemeral port, for tests that need something behind
 * the proxy. It counts requests (per path) and TCP connections, so keep-alive reuse is visible,
 * remembers the last request's headers, and streams bodies both ways without holding them: request
 * bodies are counted and checksummed (only the first {@link #KEPT_BODY_BYTES} are kept), response
 * bodies can come from a generator.
 *
 * <pre>{@code
 * @RegisterExtension final TestOrigin origin = new TestOrigin();
 *
 * origin.handle("/page", request -> Response.ok("hello").header("Cache-Control", "max-age=60"));
 * ... GET origin.url("/page") through the proxy ...
 * assertThat(origin.requests("/page")).isEqualTo(1);
 * assertThat(origin.connections()).isEqualTo(1);
 * }</pre>
 *
 * Use it as a JUnit extension (started before, closed after each test) or by hand with
 * {@link #start()} and {@link #close()}. Handlers run on the origin's event loop: keep them quick.
 * Unregistered paths answer 404.
 */
public final class TestOrigin implements AutoCloseable, BeforeEachCallback, AfterEachCallback {

  /** Request bodies longer than this are counted and checksummed but not kept. */
  public static final int KEPT_BODY_BYTES = 1 << 20;

  /** Answers one request; the request's whole body has arrived when it runs. */
  @FunctionalInterface
  public interface Handler {
    Response handle(Request request);
  }

  /** What the origin received: head, body (the first {@link #KEPT_BODY_BYTES}), full body length and CRC32. */
  public record Request(String method, String uri, String path, HttpVersion version, HttpHeaders headers,
      byte[] body, long bodyLength, long bodyCrc32, int connectionId) {

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public String header(String name) {
      return headers.get(name);
    }
  }

  /** How the origin answers; build with the static factories and {@link #header}. */
  public static final class Response {
    final int status;
    final Map<String, List<String>> headers = new LinkedHashMap<>();
    final byte[] body;
    final BodyGenerator generator;
    final long generatedLength;
    final Behaviour behaviour;
    final long resetAfter;

    enum Behaviour { NORMAL, HANG, RESET_MID_BODY, CLOSE }

    private Response(int status, byte[] body, BodyGenerator generator, long generatedLength, Behaviour behaviour,
        long resetAfter) {
      this.status = status;
      this.body = body;
      this.generator = generator;
      this.generatedLength = generatedLength;
      this.behaviour = behaviour;
      this.resetAfter = resetAfter;
    }

    public static Response of(int status, byte[] body) {
      return new Response(status, body, null, -1, Behaviour.NORMAL, 0);
    }

    public static Response of(int status, String body) {
      return of(status, body.getBytes(StandardCharsets.UTF_8));
    }

    public static Response ok(String body) {
      return of(200, body);
    }

    public static Response ok(byte[] body) {
      return of(200, body);
    }

    /**
     * A body produced on the fly, never held: {@code length} bytes with Content-Length, or chunked
     * (length unknown to the client) when {@code length} is negative — then the generator decides
     * where it ends.
     */
    public static Response streamed(int status, long length, BodyGenerator generator) {
      return new Response(status, null, Objects.requireNonNull(generator), length, Behaviour.NORMAL, 0);
    }

    /** {@code length} bytes of {@link PatternBody} (fast, deterministic, checksummable). */
    public static Response pattern(long length, boolean chunked) {
      PatternBody generator = new PatternBody(length);
      return streamed(200, chunked ? -1 : length, generator);
    }

    /** Never answers (the connection stays open until the client or the test closes it). */
    public static Response hang() {
      return new Response(0, null, null, -1, Behaviour.HANG, 0);
    }

    /** Announces {@code announced} bytes, sends {@code sent} of them, then resets the connection (RST). */
    public static Response resetMidBody(long announced, long sent) {
      Response r = new Response(200, null, new PatternBody(sent), announced, Behaviour.RESET_MID_BODY, sent);
      return r;
    }

    /** Closes the connection without answering. */
    public static Response closeWithoutAnswer() {
      return new Response(0, null, null, -1, Behaviour.CLOSE, 0);
    }

    public Response header(String name, Object value) {
      headers.computeIfAbsent(name, k -> new ArrayList<>()).add(String.valueOf(value));
      return this;
    }
  }

  /** Produces a body piece by piece; return null when it ends. */
  @FunctionalInterface
  public interface BodyGenerator {
    ByteBuf next(ByteBufAllocator alloc);
  }

  /**
   * A deterministic byte stream of a given length, served as zero-copy slices of one shared block
   * whose size is prime so that pieces never line up with buffer sizes. {@link #crc32(long)} gives
   * the checksum of the first n bytes without materialising them.
   */
  public static final class PatternBody implements BodyGenerator {
    static final int BLOCK = 65_521;
    private static final byte[] PATTERN = new byte[BLOCK];
    private static final ByteBuf SHARED;

    static {
      long x = 0x9E3779B97F4A7C15L;
      for (int i = 0; i < BLOCK; i++) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        PATTERN[i] = (byte) x;
      }
      SHARED = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(PATTERN));
    }

    private final long length;
    private long produced;

    public PatternBody(long length) {
      this.length = length;
    }

    @Override
    public ByteBuf next(ByteBufAllocator alloc) {
      if (produced >= length) {
        return null;
      }
      int offset = (int) (produced % BLOCK);
      int n = (int) Math.min(BLOCK - offset, length - produced);
      produced += n;
      return SHARED.retainedSlice(offset, n);
    }

    /** The CRC32 of the first {@code length} bytes of the pattern. */
    public static long crc32(long length) {
      CRC32 crc = new CRC32();
      for (long done = 0; done < length; ) {
        int n = (int) Math.min(BLOCK, length - done);
        crc.update(PATTERN, 0, n);
        done += n;
      }
      return crc.getValue();
    }

    /** The first {@code length} bytes of the pattern as a stream, generated on the fly (for uploads). */
    public static java.io.InputStream inputStream(long length) {
      return new java.io.InputStream() {
        private long position;

        @Override
        public int read() {
          if (position >= length) {
            return -1;
          }
          return PATTERN[(int) (position++ % BLOCK)] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
          if (position >= length) {
            return -1;
          }
          int offset = (int) (position % BLOCK);
          int n = (int) Math.min(Math.min(len, BLOCK - offset), length - position);
          System.arraycopy(PATTERN, offset, b, off, n);
          position += n;
          return n;
        }
      };
    }

    /** The first {@code length} bytes of the pattern, for small bodies. */
    public static byte[] bytes(int length) {
      byte[] out = new byte[length];
      for (int done = 0; done < length; ) {
        int n = Math.min(BLOCK, length - done);
        System.arraycopy(PATTERN, 0, out, done, n);
        done += n;
      }
      return out;
    }
  }

  private final SslContext ssl;
  private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> requestCounts = new ConcurrentHashMap<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger totalRequests = new AtomicInteger();
  private final AtomicReference<Request> lastRequest = new AtomicReference<>();
  private final List<Request> requests = java.util.Collections.synchronizedList(new ArrayList<>());
  private EventLoopGroup group;
  private ChannelGroup channels;
  private Channel server;

  /** A plain-HTTP origin. */
  public TestOrigin() {
    this(null);
  }

  /** An HTTPS origin when {@code ssl} is a server context, plain HTTP when null. */
  public TestOrigin(SslContext ssl) {
    this.ssl = ssl;
  }

  public synchronized TestOrigin start() {
    if (server != null) {
      return this;
    }
    Transport transport = Transport.best();
    group = transport.newGroup(1, new DefaultThreadFactory("test-origin", true));
    channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    server = new ServerBootstrap()
        .group(group)
        .channel(transport.serverChannel())
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            int id = connections.incrementAndGet();
            channels.add(ch);
            if (ssl != null) {
              ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
            }
            ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(), new ChunkedWriteHandler(),
                new OriginHandler(id));
          }
        })
        .bind(new InetSocketAddress("127.0.0.1", 0))
        .syncUninterruptibly()
        .channel();
    return this;
  }

  /** Registers (or replaces) the handler for an exact path (the query is ignored). */
  public TestOrigin handle(String path, Handler handler) {
    handlers.put(path, handler);
    return this;
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  public int port() {
    return address().getPort();
  }

  /** {@code http://127.0.0.1:PORT} + path (https when TLS). */
  public String url(String path) {
    return (ssl != null ? "https" : "http") + "://127.0.0.1:" + port() + path;
  }

  /** {@code 127.0.0.1:PORT}. */
  public String authority() {
    return "127.0.0.1:" + port();
  }

  public int requests(String path) {
    AtomicInteger n = requestCounts.get(path);
    return n == null ? 0 : n.get();
  }

  public int totalRequests() {
    return totalRequests.get();
  }

  /** TCP connections open now. */
  public int openConnections() {
    return channels.size();
  }

  /** TCP connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  public Request lastRequest() {
    return lastRequest.get();
  }

  public HttpHeaders lastRequestHeaders() {
    Request r = lastRequest.get();
    return r == null ? null : r.headers();
  }

  /** Every request received, in order. */
  public List<Request> receivedRequests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** Forgets request counts, recorded requests and the connection count (open connections stay open). */
  public void reset() {
    requestCounts.clear();
    totalRequests.set(0);
    connections.set(0);
    lastRequest.set(null);
    requests.clear();
  }

  @Override
  public synchronized void close() {
    if (server == null) {
      return;
    }
    server.close().syncUninterruptibly();
    channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    server = null;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  private final class OriginHandler extends SimpleChannelInboundHandler<HttpObject> {
    private final int connectionId;
    private HttpRequest head;
    private ByteArrayOutputStream kept;
    private long length;
    private CRC32 crc;

    OriginHandler(int connectionId) {
      this.connectionId = connectionId;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpRequest request) {
        head = request;
        kept = new ByteArrayOutputStream();
        length = 0;
        crc = new CRC32();
        if (HttpUtil.is100ContinueExpected(request)) {
          ctx.writeAndFlush(new io.netty.handler.codec.http.DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
      }
      if (msg instanceof HttpContent content && head != null) {
        ByteBuf buf = content.content();
        int n = buf.readableBytes();
        if (n > 0) {
          length += n;
          if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + buf.readerIndex(), n);
          } else {
            crc.update(buf.nioBuffer());
          }
          if (kept.size() < KEPT_BODY_BYTES) {
            int keep = Math.min(n, KEPT_BODY_BYTES - kept.size());
            byte[] bytes = new byte[keep];
            buf.getBytes(buf.readerIndex(), bytes);
            kept.writeBytes(bytes);
          }
        }
        if (content instanceof LastHttpContent) {
          HttpRequest request = head;
          head = null;
          respond(ctx, request);
        }
      }
    }

    private void respond(ChannelHandlerContext ctx, HttpRequest request) {
      String path = new QueryStringDecoder(request.uri()).path();
      Request received = new Request(request.method().name(), request.uri(), path, request.protocolVersion(),
          new DefaultHttpHeaders().add(request.headers()), kept.toByteArray(), length, crc.getValue(), connectionId);
      requestCounts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      totalRequests.incrementAndGet();
      lastRequest.set(received);
      requests.add(received);
      Handler handler = handlers.get(path);
      Response response;
      try {
        response = handler == null ? Response.of(404, "no handler for " + path + "\n") : handler.handle(received);
      } catch (RuntimeException e) {
        response = Response.of(500, "handler failed: " + e + "\n");
      }
      switch (response.behaviour) {
        case HANG -> { }
        case CLOSE -> ctx.close();
        case RESET_MID_BODY -> {
          var head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
          head.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.generatedLength);
          ctx.write(head);
          for (ByteBuf piece = response.generator.next(ctx.alloc()); piece != null; piece = response.generator.next(ctx.alloc())) {
            ctx.write(new io.netty.handler.codec.http.DefaultHttpContent(piece));
          }
          ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
            // SO_LINGER 0: close() sends RST instead of FIN, as a crashing origin would.
            f.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            f.channel().close();
          });
        }
        case NORMAL -> send(ctx, request, response);
      }
    }

    private void send(ChannelHandlerContext ctx, HttpRequest request, Response response) {
      var head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(response.status));
      response.headers.forEach((name, values) -> head.headers().add(name, values));
      boolean isHead = "HEAD".equals(request.method().name());
      if (response.generator == null) {
        byte[] body = response.body;
        if (!head.headers().contains(HttpHeaderNames.CONTENT_LENGTH) && !head.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
            && response.status != 204 && response.status != 304) {
          head.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        }
        ctx.write(head);
        ctx.writeAndFlush(isHead || body.length == 0 ? LastHttpContent.EMPTY_LAST_CONTENT
            : new DefaultLastHttpContent(Unpooled.wrappedBuffer(body)));
        return;
      }
      if (response.generatedLength >= 0) {
        head.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.generatedLength);
      } else {
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      }
      ctx.write(head);
      if (isHead) {
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        return;
      }
      ctx.writeAndFlush(new HttpChunkedInput(new GeneratorInput(response.generator)));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** Adapts a generator to ChunkedWriteHandler, which pulls the next piece only when the socket can take it. */
  private static final class GeneratorInput implements ChunkedInput<ByteBuf> {
    private final BodyGenerator generator;
    private final AtomicLong progress = new AtomicLong();
    private ByteBuf pending;
    private boolean ended;

    GeneratorInput(BodyGenerator generator) {
      this.generator = generator;
    }

    @Override
    public boolean isEndOfInput() {
      if (ended) {
        return true;
      }
      if (pending == null) {
        pending = generator.next(ByteBufAllocator.DEFAULT);
        if (pending == null) {
          ended = true;
        }
      }
      return ended;
    }

    @Override
    public void close() {
      if (pending != null) {
        pending.release();
        pending = null;
      }
    }

    @Override
    @Deprecated
    public ByteBuf readChunk(ChannelHandlerContext ctx) {
      return readChunk(ctx.alloc());
    }

    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) {
      if (isEndOfInput()) {
        return null;
      }
      ByteBuf out = pending;
      pending = null;
      progress.addAndGet(out.readableBytes());
      return out;
    }

    @Override
    public long length() {
      return -1;
    }

    @Override
    public long progress() {
      return progress.get();
    }
  }
}
