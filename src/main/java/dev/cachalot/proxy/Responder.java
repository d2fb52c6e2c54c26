package dev.cachalot.proxy;

import dev.cachalot.cache.AgeHeader;
import dev.cachalot.cache.CacheStatus;
import dev.cachalot.cache.ConditionalRequests;
import dev.cachalot.cache.Freshness;
import dev.cachalot.cache.Headers;
import dev.cachalot.cache.Ranges;
import dev.cachalot.cache.RequestHead;
import dev.cachalot.cache.ResponseHead;
import dev.cachalot.cache.StoredResponse;
import dev.cachalot.cache.store.CachedResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.time.Instant;
import java.util.Optional;

/**
 * Answers a client from a stored response: with its current Age and a Cache-Status, as a 304 when
 * the client's own conditional matches (RFC 9110 §13.2.2), as 206/416 for a single range, and
 * without a body for HEAD. The body goes out as a retained duplicate of the stored buffer.
 */
final class Responder {

  /** Fields a 304 carries from the stored response (RFC 9110 §15.4.5). */
  private static final String[] NOT_MODIFIED_FIELDS = {
    "Cache-Control", "Content-Location", "Date", "ETag", "Expires", "Vary", "Last-Modified"
  };

  /**
   * Each stored response's fields as a hit sends them, made once per event loop: copying them is a
   * list copy that keeps each name's hash, and the encoder copies their bytes as they are, where
   * building them again from the stored Strings hashed every name and encoded every character. Kept
   * by identity: a StoredResponse is immutable, and its equals would compare every field.
   */
  private static final PerThreadMemo<StoredResponse, HttpHeaders> HIT_FIELDS =
      PerThreadMemo.byIdentity(1024, Responder::hitFields);

  private Responder() {}

  private static HttpHeaders hitFields(StoredResponse meta) {
    HttpHeaders fields = new DefaultHttpHeaders(false);
    for (Headers.Field field : meta.headers()) {
      if (!HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(field.name())
          && !HttpHeaderNames.CONNECTION.contentEqualsIgnoreCase(field.name())) {
        fields.add(new AsciiString(field.name()), new AsciiString(field.value()));
      }
    }
    return fields;
  }

  /**
   * Serves {@code entry}; returns false (and writes nothing) when the entry was evicted meanwhile.
   * {@code hierarchy} is the access log's Squid hierarchy field: HIER_NONE/- when no origin was
   * asked, HIER_DIRECT/address when it was (a revalidation).
   */
  static boolean serve(ClientSide client, ProxyEngine engine, HttpRequest clientRequest, RequestHead request,
      CachedResponse entry, CacheStatus cacheStatus, String accessResult, String hierarchy, long start) {
    Optional<ByteBuf> retained = entry.retainBody();
    if (retained.isEmpty()) {
      return false;
    }
    ByteBuf body = retained.get();
    ResponseHead stored = entry.meta().head();
    Instant now = engine.clock.instant();
    long length = body.readableBytes();
    boolean head = HttpMethod.HEAD.equals(clientRequest.method());

    HttpResponseStatus status = HttpResponseStatus.valueOf(stored.status(), stored.reason());
    HttpHeaders headers;
    ByteBuf payload = body;
    if (stored.status() == 200 && ConditionalRequests.notModified(request, stored)) {
      status = HttpResponseStatus.NOT_MODIFIED;
      headers = new DefaultHttpHeaders(false);
      for (String name : NOT_MODIFIED_FIELDS) {
        for (String value : stored.headers().all(name)) {
          headers.add(name, value);
        }
      }
      payload = Unpooled.EMPTY_BUFFER;
      body.release();
    } else {
      headers = HIT_FIELDS.get(entry.meta()).copy();
      headers.set(HttpHeaderNames.CONTENT_LENGTH, length);
      if (stored.status() == 200 && !head) {
        Ranges.Result range = Ranges.evaluate(request, stored, length);
        if (range instanceof Ranges.Satisfiable part) {
          status = HttpResponseStatus.PARTIAL_CONTENT;
          payload = body.retainedSlice(body.readerIndex() + (int) part.first(), (int) (part.last() - part.first() + 1));
          body.release();
          headers.set("Content-Range", part.contentRange());
          headers.set("Content-Length", payload.readableBytes());
        } else if (range instanceof Ranges.Unsatisfiable none) {
          status = HttpResponseStatus.REQUESTED_RANGE_NOT_SATISFIABLE;
          payload = Unpooled.EMPTY_BUFFER;
          body.release();
          headers.set("Content-Range", none.contentRange());
          headers.set("Content-Length", 0);
        }
      }
      if (head) {
        payload.release();
        payload = Unpooled.EMPTY_BUFFER;
      }
    }
    headers.set("Age", AgeHeader.format(Freshness.currentAge(entry.meta(), now)));
    headers.add("Cache-Status", cacheStatus.format());
    HeaderRewriter.appendVia(headers, HttpVersion.HTTP_1_1, engine.config.pseudonym());
    boolean keepAlive = HttpUtil.isKeepAlive(clientRequest);
    if (!keepAlive) {
      headers.set("Connection", HttpHeaderValues.CLOSE);
    } else if (clientRequest.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
      headers.set("Connection", HttpHeaderValues.KEEP_ALIVE);
    }
    int code = status.code();
    long sent = payload.readableBytes();
    String contentType = headers.get(HttpHeaderNames.CONTENT_TYPE);
    // Head and body in one message: one write and one flush per hit.
    client.write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, payload, headers,
        EmptyHttpHeaders.INSTANCE)).addListener(f -> {
      client.logAccess(start, accessResult, code, sent, clientRequest, hierarchy, contentType);
      client.exchangeDone(f.isSuccess() && keepAlive);
    });
    return true;
  }
}
