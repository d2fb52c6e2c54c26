package dev.cachalot.admin;

import static dev.cachalot.admin.AdminHarness.total;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.testing.TestOrigin;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Open client connections and CONNECT tunnels, as the gauges see them while they live and after. */
@Timeout(30)
class ConnectionGaugesTest {

  @RegisterExtension final TestOrigin origin = new TestOrigin();

  @Test
  void tunnelAndConnectionGaugesFollowTheirLives() throws Exception {
    try (AdminHarness harness = new AdminHarness(c -> c.withConnectPorts(Set.of(origin.port())))) {
      try (Socket client = new Socket("127.0.0.1", harness.proxy.address().getPort())) {
        OutputStream out = client.getOutputStream();
        out.write(("CONNECT " + origin.authority() + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = client.getInputStream();
        byte[] head = new byte[39];
        int read = 0;
        while (read < head.length) {
          int n = in.read(head, read, head.length - read);
          if (n < 0) {
            break;
          }
          read += n;
        }
        assertThat(new String(head, 0, read, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
        var open = harness.statsWhen(s -> total(s, "openTunnels") == 1);
        assertThat(total(open, "openTunnels")).isEqualTo(1);
        assertThat(total(open, "openConnections")).isEqualTo(1);
        assertThat(harness.admin("GET", "/metrics").body()).contains("cachalot_tunnels 1.0");
      }
      var closed = harness.statsWhen(s -> total(s, "openTunnels") == 0 && total(s, "openConnections") == 0
          && total(s, "requests") == 1);
      assertThat(total(closed, "openTunnels")).isZero();
      assertThat(total(closed, "openConnections")).isZero();
      assertThat(total(closed, "requests")).isEqualTo(1);  // the tunnel, logged when it closed
      assertThat(total(closed, "lookups")).isZero();
    }
  }
}
