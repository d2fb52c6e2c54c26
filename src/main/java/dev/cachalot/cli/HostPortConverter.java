package dev.cachalot.cli;

import java.net.InetSocketAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code host:port}, {@code [v6]:port}, {@code :port} or a bare {@code port} (host 127.0.0.1). */
final class HostPortConverter implements ITypeConverter<InetSocketAddress> {

  static InetSocketAddress parse(String value, String defaultHost) {
    String host = defaultHost;
    String port = value;
    if (value.startsWith("[")) {
      int close = value.indexOf(']');
      if (close < 0 || close + 1 >= value.length() || value.charAt(close + 1) != ':') {
        throw new TypeConversionException("expected [address]:port, got '" + value + "'");
      }
      host = value.substring(1, close);
      port = value.substring(close + 2);
    } else if (value.indexOf(':') >= 0) {
      int colon = value.lastIndexOf(':');
      if (value.indexOf(':') != colon) {
        throw new TypeConversionException("put IPv6 addresses in brackets: [" + value.substring(0, colon) + "]:port");
      }
      host = colon == 0 ? defaultHost : value.substring(0, colon);
      port = value.substring(colon + 1);
    }
    int number;
    try {
      number = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + port + "' is not a port number in '" + value + "'");
    }
    if (number < 0 || number > 65535) {
      throw new TypeConversionException("port " + number + " is out of range (0-65535) in '" + value + "'");
    }
    return new InetSocketAddress(host, number);
  }

  @Override
  public InetSocketAddress convert(String value) {
    return parse(value, "127.0.0.1");
  }
}
