package dev.cachalot.sentence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class UdpSentenceServerTest {

  private UdpSentenceServer server;
  private InetSocketAddress address;

  @BeforeEach
  void start() {
    server = new UdpSentenceServer(new InetSocketAddress("127.0.0.1", 0));
    address = server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void logsTheLabLinesForOneExchange() throws Exception {
    try (LogCapture log = LogCapture.of(UdpSentenceServer.class); UdpSentenceClient client = open()) {
      assertThat(client.send("hey, I am a student from 5f.")).isEqualTo("HEY, I AM A STUDENT FROM 5F.");
      assertThat(log.awaitLines(2, Duration.ofSeconds(5)))
          .containsExactly(
              "Received data from socket connection with address 127.0.0.1",
              "Sent data to socket connection");
    }
  }

  @Test
  void anEmptySentenceIsAClearErrorAndAnEmptyDatagramDoesNotDisturbTheServer() throws Exception {
    try (UdpSentenceClient client = open(); DatagramSocket raw = new DatagramSocket()) {
      assertThat(catchThrowable(() -> client.send(""))).hasMessageContaining("an empty sentence cannot be sent over UDP");
      raw.send(new DatagramPacket(new byte[0], 0, address));
      assertThat(client.send("after")).isEqualTo("AFTER");
    }
  }

  @Test
  void invalidUtf8IsAnsweredWithReplacementCharacters() throws Exception {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(5_000);
      byte[] request = {'o', 'k', (byte) 0xFF, (byte) 0xC3};
      socket.send(new DatagramPacket(request, request.length, address));
      DatagramPacket reply = new DatagramPacket(new byte[100], 100);
      socket.receive(reply);
      assertThat(new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8)).isEqualTo("OK\uFFFD\uFFFD");
    }
  }

  @Test
  void theLargestDatagramIsAnsweredWhole() {
    try (UdpSentenceClient client = open()) {
      String sentence = "ab".repeat(UdpSentenceServer.MAX_DATAGRAM / 2) + "c";
      assertThat(client.send(sentence)).isEqualTo(sentence.toUpperCase(Locale.ROOT));
    }
  }

  @Test
  void aReplyThatWouldOutgrowADatagramIsAnErrorAndTheServerServesOn() {
    try (UdpSentenceClient client = open()) {
      // ΐ is two bytes in UTF-8; upper-cased it becomes three code points, six bytes.
      String growing = "ΐ".repeat(UdpSentenceServer.MAX_DATAGRAM / 2);
      assertThat(Uppercase.encode(Uppercase.of(growing)).length).isGreaterThan(UdpSentenceServer.MAX_DATAGRAM);
      assertThat(catchThrowable(() -> client.send(growing)))
          .hasMessageContaining("refused the sentence")
          .hasMessageContaining("too long for one datagram");
      assertThat(client.send("next")).isEqualTo("NEXT");
    }
  }

  @Test
  void serves200ConcurrentClientsEachWith50Sentences() throws Exception {
    int clients = 200;
    int sentences = 50;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try (AutoCloseable quiet = LogCapture.quiet(UdpSentenceServer.class)) {
      List<Future<Integer>> results = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int id = c;
        results.add(
            pool.submit(
                () -> {
                  int correct = 0;
                  try (UdpSentenceClient client = open()) {
                    for (int s = 0; s < sentences; s++) {
                      String sentence = "client " + id + " sentence " + s + " straße";
                      if (client.send(sentence).equals("CLIENT " + id + " SENTENCE " + s + " STRASSE")) {
                        correct++;
                      }
                    }
                  }
                  return correct;
                }));
      }
      for (Future<Integer> result : results) {
        assertThat(result.get(20, TimeUnit.SECONDS)).isEqualTo(sentences);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private UdpSentenceClient open() {
    return UdpSentenceClient.open("127.0.0.1", address.getPort(), Duration.ofSeconds(2), 3);
  }
}
