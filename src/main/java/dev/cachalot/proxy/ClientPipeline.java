package dev.cachalot.proxy;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/** Names and construction of the client-side handlers, shared by the HTTP and the lab-line paths. */
final class ClientPipeline {

  static final String SNIFFER = "sniffer";
  static final String IDLE = "idle";
  static final String CODEC = "http";
  static final String FRONTEND = "frontend";

  private ClientPipeline() {}

  /** A new client connection: an idle timeout from the first byte on, then the first-line sniffer. */
  static void init(ChannelPipeline pipeline, ProxyEngine engine) {
    pipeline.addLast(IDLE,
        new IdleStateHandler(0, 0, engine.config.clientIdleTimeout().toMillis(), TimeUnit.MILLISECONDS));
    pipeline.addLast(HeadReadTimeout.RAW,
        new HeadReadTimeout(engine, engine.security.headerReadTimeout().toNanos()).raw());
    pipeline.addLast(SNIFFER, new FirstLineSniffer(engine));
  }

  /** Installs the HTTP handlers after {@code afterName}. */
  static void installHttp(ChannelPipeline pipeline, String afterName, ProxyEngine engine) {
    pipeline.addAfter(afterName, CODEC, new HttpServerCodec(clientDecoderConfig()));
    String beforeFrontend = CODEC;
    if (pipeline.get(HeadReadTimeout.RAW) instanceof HeadReadTimeout.Raw raw) {
      pipeline.addAfter(CODEC, HeadReadTimeout.DECODED, raw.owner().decoded());
      beforeFrontend = HeadReadTimeout.DECODED;
    }
    pipeline.addAfter(beforeFrontend, FRONTEND, new ProxyFrontend(engine));
  }

  /**
   * Client requests are parsed strictly (request smuggling, docs/SECURITY.md): a request with
   * differing Content-Length values is rejected by the decoder, one with both Content-Length and
   * Transfer-Encoding is refused by the frontend, and header names and values are validated
   * (whitespace before the colon, CR, LF or NUL in a value, a malformed chunk size: 400), so that the
   * proxy never forwards a message the origin could frame differently. Strict line parsing refuses
   * a bare CR or LF as a line end (one parser's line end is another's field content), and RFC 9112
   * Transfer-Encoding rules are on. An obs-fold line is replaced by a space before forwarding, which
   * RFC 9112 §5.2 allows a proxy instead of rejecting it (the decoder offers no hook to reject it).
   */
  private static HttpDecoderConfig clientDecoderConfig() {
    return new HttpDecoderConfig()
        .setMaxInitialLineLength(ProxyEngine.MAX_INITIAL_LINE)
        .setMaxHeaderSize(ProxyEngine.MAX_HEADER_SIZE)
        .setMaxChunkSize(64 * 1024)
        .setAllowDuplicateContentLengths(false)
        .setValidateHeaders(true)
        .setStrictLineParsing(true)
        .setUseRfc9112TransferEncoding(true);
  }
}
