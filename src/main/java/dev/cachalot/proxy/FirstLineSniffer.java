package dev.cachalot.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Looks at a new connection's first line and routes it: an HTTP request line goes to the HTTP codec;
 * a bare host or URL (the lab's protocol: {@code www.flipkart.com}) becomes a GET through the same
 * machinery, answered with the raw HTTP response and a close.
 */
final class FirstLineSniffer extends ByteToMessageDecoder {

  private final ProxyEngine engine;

  FirstLineSniffer(ProxyEngine engine) {
    this.engine = engine;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.read();
    ctx.fireChannelActive();
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int lineEnd = in.indexOf(in.readerIndex(), Math.min(in.writerIndex(), in.readerIndex() + ProxyEngine.MAX_INITIAL_LINE), (byte) '\n');
    if (lineEnd < 0 && in.readableBytes() < ProxyEngine.MAX_INITIAL_LINE) {
      return;
    }
    String firstLine = lineEnd < 0 ? "" : in.toString(in.readerIndex(), lineEnd - in.readerIndex(), StandardCharsets.ISO_8859_1).strip();
    ClientPipeline.installHttp(ctx.pipeline(), ctx.name(), engine);
    if (lineEnd < 0 || !LabLine.isLabLine(firstLine)) {
      // Plain HTTP: the buffered bytes flow into the HTTP codec when this handler leaves.
      ctx.pipeline().remove(this);
      return;
    }
    in.readerIndex(lineEnd + 1);
    ChannelHandlerContext codec = ctx.pipeline().context(ClientPipeline.CODEC);
    ctx.pipeline().remove(this);
    HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, LabLine.toUrl(firstLine));
    request.headers().set("Connection", HttpHeaderValues.CLOSE);
    codec.fireChannelRead(request);
    codec.fireChannelRead(LastHttpContent.EMPTY_LAST_CONTENT);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, evt);
  }
}
