package dev.cachalot.admin;

import dev.cachalot.UserFacingException;
import dev.cachalot.config.ConfigReloader;
import dev.cachalot.proxy.AdminAccess;
import dev.cachalot.proxy.LoginThrottle;
import dev.cachalot.proxy.ProxyAuth;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP server, on its own port (never the proxy's): {@code /metrics}, {@code /healthz},
 * {@code /api/stats}, the dashboard at {@code /}, and {@code POST /api/reload}. One event loop of its
 * own, so that a slow scrape never delays proxied traffic; requests are small and aggregated whole.
 */
public final class AdminServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  private static final String DASHBOARD = "/dev/cachalot/admin/dashboard/";
  private static final Map<String, String> ASSETS = Map.of(
      "/", "index.html",
      "/index.html", "index.html",
      "/style.css", "style.css",
      "/app.js", "app.js");

  private final ProxyMetrics metrics;
  private final AdminAccess access;
  private final Optional<ProxyAuth> users;
  private final LoginThrottle logins = LoginThrottle.standard("admin");
  private final Map<String, byte[]> assets;
  private final EventLoopGroup group;
  private Channel serverChannel;
  private volatile Supplier<ConfigReloader.Result> reload;

  private AdminServer(ProxyMetrics metrics, AdminAccess access, Optional<ProxyAuth> users) {
    this.metrics = metrics;
    this.access = access;
    this.users = users;
    this.assets = Map.of("index.html", asset("index.html"), "style.css", asset("style.css"), "app.js", asset("app.js"));
    this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("cachalot-admin", true),
        NioIoHandler.newFactory());
  }

  /**
   * Listens on {@code address}; when this returns, the endpoints answer the clients {@code access}
   * admits (the dashboard lists the URLs requested: it is not for everyone who can reach the port),
   * and, when {@code users} is given, only requests with Basic credentials of one of them, except
   * {@code /healthz} (which tells nothing, and which load balancers probe without credentials).
   */
  public static AdminServer start(InetSocketAddress address, ProxyMetrics metrics, AdminAccess access,
      Optional<ProxyAuth> users) {
    AdminServer server = new AdminServer(metrics, access, users);
    try {
      server.bind(address);
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private void bind(InetSocketAddress address) {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(
                new ReadTimeoutHandler(60, TimeUnit.SECONDS),
                new HttpServerCodec(),
                new HttpObjectAggregator(64 * 1024),
                new Handler());
          }
        });
    try {
      serverChannel = bootstrap.bind(address).syncUninterruptibly().channel();
    } catch (Exception e) {
      String why = e instanceof BindException ? e.getMessage() + " (choose another with --admin HOST:PORT or --admin none)"
          : e.toString();
      throw new UserFacingException("cannot listen for admin on " + address.getHostString() + ":" + address.getPort()
          + ": " + why, 2, e);
    }
    // The host as given (a wildcard bind reports "0:0:0:0:0:0:0:0"), the port as bound (it may have been 0).
    String host = address.getHostString().contains(":") ? "[" + address.getHostString() + "]" : address.getHostString();
    log.info("Cachalot admin on http://{}:{}/ (metrics at /metrics)", host, address().getPort());
  }

  /**
   * Lets {@code POST /api/reload} run {@code reload} (the proxy's {@code --config} file read again):
   * the way to reload where SIGHUP cannot be handled, as under nohup. Without it that path answers 409.
   */
  public void reloadWith(Supplier<ConfigReloader.Result> reload) {
    this.reload = reload;
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  @Override
  public void close() {
    if (serverChannel != null) {
      serverChannel.close().syncUninterruptibly();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static byte[] asset(String name) {
    try (InputStream in = AdminServer.class.getResourceAsStream(DASHBOARD + name)) {
      if (in == null) {
        throw new IllegalStateException("dashboard asset missing from the jar: " + DASHBOARD + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      FullHttpResponse response;
      if (!access.allows(ctx.channel().remoteAddress())) {
        response = text(HttpResponseStatus.FORBIDDEN, "this client is not allowed to use the admin endpoint"
            + " (see --admin-allow)\n");
        HttpUtil.setKeepAlive(request, false);
      } else if (request.decoderResult().isFailure()) {
        response = text(HttpResponseStatus.BAD_REQUEST, "bad request\n");
        HttpUtil.setKeepAlive(request, false);
      } else {
        response = refusedLogin(ctx, request);
      }
      if (response == null) {
        response = route(request);
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      HttpUtil.setKeepAlive(response, keepAlive);
      response.headers().set("X-Content-Type-Options", "nosniff");
      if (HttpMethod.HEAD.equals(request.method())) {
        response.content().clear();
      }
      var written = ctx.writeAndFlush(response);
      if (!keepAlive) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
    }

    /**
     * The answer for a request without valid credentials of a user of --admin-auth-file, or null
     * when it may go on. Hashed on this endpoint's own event loop: proxied traffic never waits for
     * it, and a verified header is remembered (a scraper's every request does not pay for the hash
     * again). A client that fails too often gets no hashes for a while, as on the proxy port.
     */
    private FullHttpResponse refusedLogin(ChannelHandlerContext ctx, FullHttpRequest request) {
      if (users.isEmpty() || "/healthz".equals(pathOf(request))) {
        return null;
      }
      String credentials = request.headers().get(HttpHeaderNames.AUTHORIZATION);
      if (credentials != null && users.get().remembered(credentials) != null) {
        return null;
      }
      InetAddress client = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
      if (!logins.refusedFor(client).isZero()) {
        LoginThrottle.Refusal refusal = logins.refusal(client);
        FullHttpResponse response = text(HttpResponseStatus.TOO_MANY_REQUESTS, refusal.message() + "\n");
        response.headers().set(HttpHeaderNames.RETRY_AFTER, refusal.retryAfterSeconds());
        return response;
      }
      if (credentials != null && users.get().authenticate(credentials) != null) {
        return null;
      }
      if (credentials != null) {
        logins.failed(client);
      }
      FullHttpResponse response = text(HttpResponseStatus.UNAUTHORIZED, "the admin endpoint needs a user of --admin-auth-file\n");
      response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"cachalot admin\", charset=\"UTF-8\"");
      return response;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("admin connection failed: {}", cause.toString());
      ctx.close();
    }
  }

  private static String pathOf(FullHttpRequest request) {
    String path = request.uri();
    int query = path.indexOf('?');
    return query >= 0 ? path.substring(0, query) : path;
  }

  private FullHttpResponse route(FullHttpRequest request) {
    String path = pathOf(request);
    if (request.method().name().equals("PURGE")) {
      return purgeGoesToTheProxy();
    }
    boolean read = HttpMethod.GET.equals(request.method()) || HttpMethod.HEAD.equals(request.method());
    FullHttpResponse response;
    switch (path) {
      case "/metrics" -> response = read ? body(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
          metrics.prometheus().getBytes(StandardCharsets.UTF_8)) : notAllowed();
      case "/healthz" -> response = read ? text(HttpResponseStatus.OK, "ok\n") : notAllowed();
      case "/api/stats" -> response = read ? body(HttpResponseStatus.OK, "application/json",
          metrics.statsJson().getBytes(StandardCharsets.UTF_8)) : notAllowed();
      case "/api/reload" -> response = reload(request);
      default -> {
        String asset = ASSETS.get(path);
        if (asset == null) {
          return text(HttpResponseStatus.NOT_FOUND,
              "not found: try /, /metrics, /healthz, /api/stats or POST /api/reload\n");
        }
        if (!read) {
          return notAllowed();
        }
        response = body(HttpResponseStatus.OK, contentType(asset), assets.get(asset));
        // The page loads nothing from elsewhere: say so, so that an injected URL could not either.
        response.headers().set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:");
      }
    }
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    return response;
  }

  /**
   * Reads the configuration file again, as SIGHUP does: 200 with what now applies, 422 with the file's
   * error when it was refused (the running configuration stays), 409 when there is no file.
   */
  private FullHttpResponse reload(FullHttpRequest request) {
    if (!HttpMethod.POST.equals(request.method())) {
      FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "reload with POST\n");
      response.headers().set(HttpHeaderNames.ALLOW, "POST");
      return response;
    }
    Supplier<ConfigReloader.Result> hook = reload;
    if (hook == null) {
      return text(HttpResponseStatus.CONFLICT, "nothing to reload: this proxy was started without --config FILE\n");
    }
    ConfigReloader.Result result = hook.get();
    if (result.ok()) {
      return text(HttpResponseStatus.OK, "reloaded: " + result.message() + "\n");
    }
    return text(HttpResponseStatus.UNPROCESSABLE_ENTITY,
        "refused, the running configuration stays: " + result.message() + "\n");
  }

  /**
   * The proxy's own port answers PURGE, as Squid's and Varnish's do, so that one URL names what
   * to purge in forward and reverse mode alike; this port only says where to go.
   */
  private static FullHttpResponse purgeGoesToTheProxy() {
    FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED,
        "PURGE goes to the proxy's port, not the admin port: curl -X PURGE -x PROXY_HOST:PORT URL"
            + " (or cachalot cache purge URL)\n");
    response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
    return response;
  }

  private static String contentType(String asset) {
    if (asset.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    if (asset.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    return "text/html; charset=utf-8";
  }

  private static FullHttpResponse notAllowed() {
    FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed\n");
    response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
    return response;
  }

  private static FullHttpResponse text(HttpResponseStatus status, String text) {
    return body(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  private static FullHttpResponse body(HttpResponseStatus status, String contentType, byte[] bytes) {
    ByteBuf content = Unpooled.wrappedBuffer(bytes);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    return response;
  }
}
