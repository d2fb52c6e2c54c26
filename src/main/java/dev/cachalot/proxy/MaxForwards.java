package dev.cachalot.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** RFC 9110 §7.6.2: TRACE and OPTIONS with Max-Forwards 0 stop at this proxy; otherwise it counts down. */
final class MaxForwards {

  private MaxForwards() {}

  static boolean answersHere(HttpRequest request) {
    if (!HttpMethod.TRACE.equals(request.method()) && !HttpMethod.OPTIONS.equals(request.method())) {
      return false;
    }
    String value = request.headers().get(HttpHeaderNames.MAX_FORWARDS);
    if (value == null) {
      return false;
    }
    try {
      long remaining = Long.parseLong(value.trim());
      if (remaining <= 0) {
        return true;
      }
      request.headers().set("Max-Forwards", remaining - 1);
      return false;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** TRACE echoes the request as message/http (RFC 9110 §9.3.8); OPTIONS lists what the proxy forwards. */
  static FullHttpResponse answer(ByteBufAllocator alloc, HttpRequest request, String pseudonym) {
    ByteBuf body = alloc.buffer();
    String contentType;
    if (HttpMethod.TRACE.equals(request.method())) {
      StringBuilder echo = new StringBuilder();
      echo.append(request.method()).append(' ').append(request.uri()).append(' ').append(request.protocolVersion()).append("\r\n");
      for (Map.Entry<String, String> field : request.headers()) {
        if (!HttpHeaderNames.PROXY_AUTHORIZATION.contentEqualsIgnoreCase(field.getKey())
            && !HttpHeaderNames.COOKIE.contentEqualsIgnoreCase(field.getKey())) {
          echo.append(field.getKey()).append(": ").append(field.getValue()).append("\r\n");
        }
      }
      echo.append("\r\n");
      body.writeCharSequence(echo, StandardCharsets.ISO_8859_1);
      contentType = "message/http";
    } else {
      contentType = "text/plain";
    }
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
    response.headers()
        .set("Content-Type", contentType)
        .set("Content-Length", body.readableBytes())
        .set("Via", "1.1 " + pseudonym);
    if (HttpMethod.OPTIONS.equals(request.method())) {
      response.headers().set("Allow", "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS, TRACE, CONNECT");
    }
    return response;
  }
}
