package dev.cachalot.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachalot.UserFacingException;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FetchTargetTest {

  @ParameterizedTest
  @CsvSource({
    "www.flipkart.com,            http://www.flipkart.com/,          www.flipkart.com, 80,   www.flipkart.com",
    "127.0.0.1:9000/page,         http://127.0.0.1:9000/page,        127.0.0.1,        9000, 127.0.0.1:9000",
    "http://example.org/a?b=c,    http://example.org/a?b=c,          example.org,      80,   example.org",
    "HTTP://Example.org:8080,     http://Example.org:8080/,          Example.org,      8080, Example.org:8080",
    "'  example.org/x  ',         http://example.org/x,              example.org,      80,   example.org",
    "[::1]:8080/p,                http://[::1]:8080/p,               ::1,              8080, [::1]:8080",
  })
  void labInputsBecomeAbsoluteUrls(String input, String url, String host, int port, String hostHeader) {
    FetchTarget target = FetchTarget.parse(input);
    assertThat(target.url()).isEqualTo(url);
    assertThat(target.host()).isEqualTo(host);
    assertThat(target.port()).isEqualTo(port);
    assertThat(target.hostHeader()).isEqualTo(hostHeader);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "two words", "https://example.org/", "ftp://example.org/", "http:///nohost", "exa mple"})
  void badInputsAreOneLineErrors(String input) {
    assertThatThrownBy(() -> FetchTarget.parse(input)).isInstanceOf(UserFacingException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @ParameterizedTest
  @CsvSource({
    "proxy.lan:3128,              proxy.lan, 3128",
    "http://proxy.lan:3128/,      proxy.lan, 3128",
    "http://user:pw@proxy.lan:81, proxy.lan, 81",
    "proxy.lan,                   proxy.lan, 8888",
    ":9999,                       127.0.0.1, 9999",
    "[::1]:3128,                  ::1,       3128",
  })
  void proxyAddressesParse(String value, String host, int port) {
    InetSocketAddress address = ProxyAddress.choose(value, Map.of());
    assertThat(address.getHostString()).isEqualTo(host);
    assertThat(address.getPort()).isEqualTo(port);
  }

  @Test
  void proxyOptionBeatsEnvironmentWhichBeatsTheDefault() {
    assertThat(ProxyAddress.choose("a:1", Map.of("http_proxy", "b:2")).getHostString()).isEqualTo("a");
    assertThat(ProxyAddress.choose(null, Map.of("http_proxy", "b:2", "HTTP_PROXY", "c:3")).getHostString()).isEqualTo("b");
    assertThat(ProxyAddress.choose(null, Map.of("HTTP_PROXY", "c:3")).getHostString()).isEqualTo("c");
    assertThat(ProxyAddress.choose(null, Map.of())).isEqualTo(InetSocketAddress.createUnresolved("127.0.0.1", 8888));
  }

  @ParameterizedTest
  @ValueSource(strings = {"host:0", "host:70000", "host:abc", "socks5://host:1080", "::1:80"})
  void badProxyAddressesAreRejected(String value) {
    assertThatThrownBy(() -> ProxyAddress.choose(value, Map.of())).isInstanceOf(UserFacingException.class)
        .hasMessageContaining(value);
  }
}
