package dev.cachalot.proxy;

import java.util.Objects;

/** What the proxy reports about itself, beyond its work: the metrics listener, the access-log format and its file's rotation. */
public record Observability(ProxyListener listener, AccessLogFormat accessLogFormat, AccessLogRotation accessLogRotation) {

  public static final Observability DEFAULT = new Observability(ProxyListener.NONE, AccessLogFormat.SQUID);

  public Observability {
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(accessLogFormat, "accessLogFormat");
    Objects.requireNonNull(accessLogRotation, "accessLogRotation");
  }

  public Observability(ProxyListener listener, AccessLogFormat accessLogFormat) {
    this(listener, accessLogFormat, AccessLogRotation.NONE);
  }
}
