package dev.cachalot.proxy;

import dev.cachalot.cache.Headers;
import dev.cachalot.cache.RequestHead;
import dev.cachalot.cache.ResponseHead;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.util.Map;

/** Converts Netty's mutable message heads into the cache rules' immutable values and back. */
final class Heads {

  private Heads() {}

  static RequestHead request(HttpRequest request, String absoluteUri) {
    return new RequestHead(request.method().name(), absoluteUri, headers(request.headers()));
  }

  static ResponseHead response(HttpResponse response, HttpHeaders headers) {
    return new ResponseHead(response.status().code(), response.status().reasonPhrase(), headers(headers));
  }

  static Headers headers(HttpHeaders netty) {
    Headers.Builder builder = Headers.builder();
    for (Map.Entry<String, String> field : netty) {
      builder.add(field.getKey(), field.getValue());
    }
    return builder.build();
  }

  static HttpHeaders netty(Headers headers) {
    HttpHeaders out = new DefaultHttpHeaders(false);
    for (Headers.Field field : headers) {
      out.add(field.name(), field.value());
    }
    return out;
  }
}
