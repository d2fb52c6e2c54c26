package dev.cachalot.proxy;

/** How each access-log line is written. */
public enum AccessLogFormat {
  /** Squid's native format: {@code time elapsed client result/status bytes method URL - hierarchy/peer type}. */
  SQUID,
  /** Apache/NCSA combined: {@code client - - [time] "request line" status bytes "referer" "user-agent"}. */
  COMBINED
}
