package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ClientAccessTest {

  @Test
  void refusalsAreLoggedOncePerClientPerMinute() {
    Logger logger = (Logger) LoggerFactory.getLogger(ClientAccess.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    logger.addAppender(events);
    try {
      ClientAccess access = new ClientAccess(SecurityConfig.defaults().withAllow(List.of(Cidr.parse("192.168.0.0/16"))));
      var request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "http://example.com/");
      for (int i = 0; i < 1000; i++) {
        assertThat(access.check(new InetSocketAddress("10.0.0.1", 1000 + i), request)).isEqualTo(ClientAccess.Verdict.FORBIDDEN);
      }
      assertThat(access.check(new InetSocketAddress("10.0.0.2", 1), request)).isEqualTo(ClientAccess.Verdict.FORBIDDEN);
      assertThat(access.check(new InetSocketAddress("::1", 1), request)).isEqualTo(ClientAccess.Verdict.FORBIDDEN);
      assertThat(access.check(new InetSocketAddress("192.168.7.7", 1), request)).isEqualTo(ClientAccess.Verdict.ALLOWED);
      assertThat(events.list).extracting(ILoggingEvent::getFormattedMessage)
          .hasSize(3)
          .anySatisfy(m -> assertThat(m).contains("10.0.0.1"))
          .anySatisfy(m -> assertThat(m).contains("10.0.0.2"));
    } finally {
      logger.detachAppender(events);
    }
  }
}
