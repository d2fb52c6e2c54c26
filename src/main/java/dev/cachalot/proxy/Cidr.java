package dev.cachalot.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code ::1/128}, or a bare address). */
public record Cidr(byte[] network, int prefix, String text) {

  public static final Cidr LOOPBACK_V4 = parse("127.0.0.0/8");
  public static final Cidr LOOPBACK_V6 = parse("::1/128");
  public static final Cidr LINK_LOCAL_V4 = parse("169.254.0.0/16");
  public static final Cidr LINK_LOCAL_V6 = parse("fe80::/10");
  /** AWS's IPv6 instance metadata endpoint. */
  public static final Cidr METADATA_V6 = parse("fd00:ec2::254/128");

  /** Parses {@code ADDRESS[/PREFIX]}; only literal addresses are accepted (no DNS lookup). */
  public static Cidr parse(String text) {
    String s = text.strip();
    int slash = s.indexOf('/');
    String address = slash < 0 ? s : s.substring(0, slash);
    if (address.isEmpty() || !address.matches("[0-9A-Fa-f:.]+")) {
      throw new IllegalArgumentException("not an IP network: " + text);
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(address).getAddress(); // a literal: no lookup happens
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP network: " + text);
    }
    int prefix;
    try {
      prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(s.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad prefix length in " + text);
    }
    if (prefix < 0 || prefix > bytes.length * 8) {
      throw new IllegalArgumentException("prefix /" + prefix + " out of range in " + text);
    }
    return new Cidr(mask(bytes, prefix), prefix, s);
  }

  public boolean contains(InetAddress address) {
    byte[] candidate = address.getAddress();
    if (candidate.length != network.length) {
      // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is matched against IPv4 networks.
      if (candidate.length == 16 && network.length == 4 && isV4Mapped(candidate)) {
        candidate = Arrays.copyOfRange(candidate, 12, 16);
      } else {
        return false;
      }
    }
    return Arrays.equals(mask(candidate, prefix), network);
  }

  /** Whether every address in this network is a loopback address (within 127.0.0.0/8, or ::1). */
  public boolean withinLoopback() {
    return network.length == 4 ? prefix >= 8 && network[0] == 127 : prefix == 128 && LOOPBACK_V6.equals(this);
  }

  private static boolean isV4Mapped(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
  }

  private static byte[] mask(byte[] bytes, int prefix) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int bits = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] &= (byte) (0xff << (8 - bits));
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefix;
  }

  @Override
  public String toString() {
    return text;
  }
}
