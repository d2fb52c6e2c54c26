package dev.cachalot.proxy;

import java.util.Objects;

/** What the proxy reports about itself, beyond its work: the metrics listener and the access-log format. */
public record Observability(ProxyListener listener, AccessLogFormat accessLogFormat) {

  public static final Observability DEFAULT = new Observability(ProxyListener.NONE, AccessLogFormat.SQUID);

  public Observability {
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(accessLogFormat, "accessLogFormat");
  }
}
