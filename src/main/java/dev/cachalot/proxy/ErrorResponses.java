package dev.cachalot.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** The proxy's own answers: a real HTTP response whose short body names the cause. */
final class ErrorResponses {

  private ErrorResponses() {}

  static FullHttpResponse of(ByteBufAllocator alloc, HttpResponseStatus status, String cause, String pseudonym) {
    String text = status.code() + " " + status.reasonPhrase() + ": " + cause + "\n";
    ByteBuf body = alloc.buffer(text.length());
    body.writeCharSequence(text, StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response.headers()
        .set("Content-Type", HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8")
        .set("Content-Length", body.readableBytes())
        .set("Cache-Control", HttpHeaderValues.NO_STORE)
        .set("Via", "1.1 " + pseudonym);
    return response;
  }
}
