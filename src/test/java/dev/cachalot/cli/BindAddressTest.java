package dev.cachalot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cachalot.UserFacingException;
import org.junit.jupiter.api.Test;

class BindAddressTest {

  @Test
  void withoutBindTheServerListensOnEveryInterface() {
    // The lab runs client and server on two hosts, so loopback only would not do.
    assertThat(BindAddress.of(null, 12000).getAddress().isAnyLocalAddress()).isTrue();
    assertThat(BindAddress.of(null, 12000).getPort()).isEqualTo(12000);
  }

  @Test
  void bindNarrowsToOneAddress() {
    assertThat(BindAddress.of("127.0.0.1", 0).getAddress().getHostAddress()).isEqualTo("127.0.0.1");
  }

  @Test
  void badValuesAreOneLineErrors() {
    assertThat(catchThrowableOfType(UserFacingException.class, () -> BindAddress.of(null, 70000)))
        .hasMessageContaining("--port must be from 0")
        .extracting(UserFacingException::exitCode)
        .isEqualTo(64);
    assertThat(catchThrowableOfType(UserFacingException.class, () -> BindAddress.of("no-such-host.invalid", 0)))
        .hasMessageContaining("--bind 'no-such-host.invalid'")
        .extracting(UserFacingException::exitCode)
        .isEqualTo(68);
  }
}
