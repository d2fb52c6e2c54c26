package dev.cachalot.proxy;

/** Where an origin connection goes; the pool keeps idle connections per key. */
record OriginKey(String host, int port) {

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
