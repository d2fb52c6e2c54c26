import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;

/**
 * A reference for bench/run.sh, not a proxy: the least work a forward proxy built on Cachalot's stack
 * (the JVM, Netty's epoll transport and HTTP codecs, one event loop) does per pass-through request.
 * It parses the absolute-form target, copies the headers with Host replaced, sends the request on
 * one origin connection kept per client connection, and copies the response back. No cache, no
 * limits, no hop-by-hop handling, no logging, no error answers, requests without a body only. What
 * Cachalot costs above this row is its own; what this row costs above nginx is the stack's.
 *
 * <p>Run with the jar on the class path (Java's source launcher compiles this file):
 * {@code java -cp target/cachalot.jar bench/NettyFloor.java 127.0.0.1 28087}
 */
public final class NettyFloor {

  public static void main(String[] args) throws InterruptedException {
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    Channel server = new ServerBootstrap().group(loop).channel(EpollServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new ClientSide());
          }
        })
        .bind(args[0], Integer.parseInt(args[1])).sync().channel();
    System.err.println("NettyFloor listening on " + server.localAddress());
    server.closeFuture().sync();
  }

  /** A client connection: each request goes to the origin connection this client owns. */
  private static final class ClientSide extends ChannelInboundHandlerAdapter {
    private ChannelFuture origin;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpRequest request) {
          forward(ctx.channel(), request);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void forward(Channel client, HttpRequest request) {
      URI target = URI.create(request.uri());
      HttpHeaders headers = new DefaultHttpHeaders().add(request.headers())
          .set(HttpHeaderNames.HOST, target.getRawAuthority());
      String path = target.getRawQuery() == null ? target.getRawPath() : target.getRawPath() + "?" + target.getRawQuery();
      DefaultFullHttpRequest toOrigin = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), path,
          Unpooled.EMPTY_BUFFER, headers, EmptyHttpHeaders.INSTANCE);
      if (origin == null) {
        origin = connect(client, target.getHost(), target.getPort() < 0 ? 80 : target.getPort());
        client.closeFuture().addListener(f -> origin.channel().close());
      }
      if (origin.isDone()) {
        origin.channel().writeAndFlush(toOrigin);
      } else {
        origin.addListener((ChannelFutureListener) f -> f.channel().writeAndFlush(toOrigin));
      }
    }

    private ChannelFuture connect(Channel client, String host, int port) {
      return new Bootstrap().group(client.eventLoop()).channel(EpollSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
              ch.pipeline().addLast(new HttpClientCodec(), new OriginSide(client));
              ch.closeFuture().addListener(f -> client.close());
            }
          })
          .connect(host, port);
    }
  }

  /** An origin connection: its response is copied to the client it belongs to. */
  private static final class OriginSide extends ChannelInboundHandlerAdapter {
    private final Channel client;

    OriginSide(Channel client) {
      this.client = client;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpResponse response) {
        client.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, response.status(),
            new DefaultHttpHeaders().add(response.headers())));
      }
      if (msg instanceof LastHttpContent) {
        client.writeAndFlush(msg);
      } else if (msg instanceof HttpContent) {
        client.write(msg);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      client.flush();
    }
  }
}
