package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class CidrTest {

  private static boolean in(String cidr, String address) throws Exception {
    return Cidr.parse(cidr).contains(InetAddress.getByName(address));
  }

  @Test
  void ipv4Networks() throws Exception {
    assertThat(in("127.0.0.0/8", "127.1.2.3")).isTrue();
    assertThat(in("127.0.0.0/8", "128.0.0.1")).isFalse();
    assertThat(in("10.1.0.0/16", "10.1.255.255")).isTrue();
    assertThat(in("10.1.0.0/16", "10.2.0.0")).isFalse();
    assertThat(in("192.168.1.7", "192.168.1.7")).isTrue();
    assertThat(in("192.168.1.7", "192.168.1.8")).isFalse();
    assertThat(in("0.0.0.0/0", "8.8.8.8")).isTrue();
    assertThat(in("10.0.0.0/7", "11.255.0.1")).isTrue();
  }

  @Test
  void ipv6NetworksAndMappedIpv4() throws Exception {
    assertThat(in("::1/128", "::1")).isTrue();
    assertThat(in("::1", "::2")).isFalse();
    assertThat(in("2001:db8::/32", "2001:db8:ffff::1")).isTrue();
    assertThat(in("2001:db8::/32", "2001:db9::1")).isFalse();
    assertThat(in("fd00:ec2::254/128", "fd00:ec2:0::254")).isTrue();
    assertThat(in("127.0.0.0/8", "::ffff:127.0.0.1")).isTrue();
    assertThat(in("::1/128", "127.0.0.1")).isFalse();
  }

  @Test
  void networksWithinLoopback() {
    for (String inside : List.of("127.0.0.0/8", "127.0.0.1/32", "127.5.0.0/16", "::1/128")) {
      assertThat(Cidr.parse(inside).withinLoopback()).as(inside).isTrue();
    }
    for (String beyond : List.of("0.0.0.0/0", "126.0.0.0/7", "10.0.0.0/8", "::/0", "::/127", "192.0.2.2/32")) {
      assertThat(Cidr.parse(beyond).withinLoopback()).as(beyond).isFalse();
    }
  }

  @Test
  void badNetworksFailWithTheValueNamed() {
    for (String bad : List.of("", "example.com", "10.0.0.0/33", "::1/129", "10.0.0.0/x", "1.2.3.4/-1")) {
      assertThatThrownBy(() -> Cidr.parse(bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad);
    }
  }

  @Test
  void securityDefaultsAreLoopbackOnlyWithLimits() {
    SecurityConfig d = SecurityConfig.defaults();
    assertThat(d.allow()).extracting(Cidr::toString).containsExactly("127.0.0.0/8", "::1/128");
    assertThat(d.auth()).isEmpty();
    assertThat(d.maxConnections()).isEqualTo(10_000);
    assertThat(d.maxConnectionsPerClient()).isEqualTo(256);
    assertThat(d.headerReadTimeout()).hasSeconds(10);
    assertThat(d.allowLinkLocal()).isFalse();
    assertThatThrownBy(() -> d.withMaxConnections(0, 1)).hasMessageContaining("--max-connections");
    assertThatThrownBy(() -> d.withAllow(List.of())).hasMessageContaining("--allow");
  }
}
