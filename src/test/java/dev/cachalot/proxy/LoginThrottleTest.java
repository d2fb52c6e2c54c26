package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

  private final AtomicLong nanos = new AtomicLong();
  private final LoginThrottle throttle = new LoginThrottle("proxy", 3, Duration.ofSeconds(60), nanos::get);

  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Test
  void aClientIsRefusedFromItsLimitOnUntilTheWindowThatItsFirstFailureOpenedEnds() throws Exception {
    InetAddress guesser = ip("192.0.2.7");
    throttle.failed(guesser);
    advance(Duration.ofSeconds(20));
    throttle.failed(guesser);
    assertThat(throttle.refusedFor(guesser)).as("under the limit").isZero();
    assertThat(throttle.failed(guesser)).as("the failure that reaches the limit").isTrue();
    assertThat(throttle.refusedFor(guesser)).isEqualTo(Duration.ofSeconds(40));
    advance(Duration.ofSeconds(30));
    assertThat(throttle.failed(guesser)).isFalse();
    assertThat(throttle.refusedFor(guesser)).as("failing on does not extend the window").isEqualTo(Duration.ofSeconds(10));
    advance(Duration.ofSeconds(10));
    assertThat(throttle.refusedFor(guesser)).isZero();
    throttle.failed(guesser);
    assertThat(throttle.refusedFor(guesser)).as("a new window counts from one again").isZero();
  }

  @Test
  void otherClientsAreNotAffected() throws Exception {
    for (int i = 0; i < 5; i++) {
      throttle.failed(ip("192.0.2.7"));
    }
    assertThat(throttle.refusedFor(ip("192.0.2.7"))).isPositive();
    assertThat(throttle.refusedFor(ip("192.0.2.8"))).isZero();
  }

  @Test
  void anIpv6ClientCountsAsItsSlash64() throws Exception {
    throttle.failed(ip("2001:db8:1:2::1"));
    throttle.failed(ip("2001:db8:1:2::2"));
    throttle.failed(ip("2001:db8:1:2:ffff::3"));
    assertThat(throttle.refusedFor(ip("2001:db8:1:2::99"))).isPositive();
    assertThat(throttle.refusedFor(ip("2001:db8:1:3::1"))).as("another /64").isZero();
  }
}
