package dev.cachalot.sentence;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TcpSentenceServerTest {

  private static final int MAX_LINE = 1024;

  private TcpSentenceServer server;
  private InetSocketAddress address;

  @BeforeEach
  void start() {
    server = new TcpSentenceServer(new InetSocketAddress("127.0.0.1", 0), MAX_LINE);
    address = server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void logsTheLabLinesForOneExchange() throws Exception {
    try (LogCapture log = LogCapture.of(TcpSentenceServer.class);
        TcpSentenceClient client = connect()) {
      assertThat(client.send("hey, I am a student from 5f.")).isEqualTo("HEY, I AM A STUDENT FROM 5F.");
      assertThat(log.awaitLines(3, Duration.ofSeconds(5)))
          .containsExactly(
              "Connected with address 127.0.0.1",
              "Received data from socket connection",
              "Sent data to socket connection");
    }
  }

  @Test
  void answersManyLinesOnOneConnectionInOrderWhateverTheLineEnd() throws Exception {
    try (Raw raw = new Raw(address)) {
      raw.write("one\ntwo\r\nthree\n\nstraße\r\n".getBytes(StandardCharsets.UTF_8));
      assertThat(raw.readLines(5)).containsExactly("ONE", "TWO", "THREE", "", "STRASSE");
    }
  }

  @Test
  void invalidUtf8IsAnsweredWithReplacementCharacters() throws Exception {
    try (Raw raw = new Raw(address)) {
      raw.write(new byte[] {'o', 'k', (byte) 0xFF, (byte) 0xC3, '\n'});
      assertThat(raw.readLines(1)).containsExactly("OK\uFFFD\uFFFD");
    }
  }

  @Test
  void anOversizedLineGetsAnErrorAndItsConnectionClosesWhileOthersAreServed() throws Exception {
    try (TcpSentenceClient bystander = connect(); Raw raw = new Raw(address)) {
      assertThat(bystander.send("before")).isEqualTo("BEFORE");
      raw.write(("x".repeat(MAX_LINE + 1) + "\nafter\n").getBytes(StandardCharsets.UTF_8));
      assertThat(raw.readLines(1)).singleElement().asString().startsWith("error: line longer than 1024 bytes");
      assertThat(raw.in.readLine()).as("connection closed, nothing after the error").isNull();
      assertThat(bystander.send("still here")).isEqualTo("STILL HERE");
    }
  }

  @Test
  void aLineExactlyAtTheLimitIsServed() throws Exception {
    try (TcpSentenceClient client = connect()) {
      assertThat(client.send("a".repeat(MAX_LINE))).isEqualTo("A".repeat(MAX_LINE));
    }
  }

  @Test
  void serves200ConcurrentClientsEachWith50Sentences() throws Exception {
    int clients = 200;
    int sentences = 50;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try (AutoCloseable quiet = LogCapture.quiet(TcpSentenceServer.class)) {
      List<Future<Integer>> results = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int id = c;
        results.add(
            pool.submit(
                () -> {
                  int correct = 0;
                  try (TcpSentenceClient client = connect()) {
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

  private TcpSentenceClient connect() {
    return TcpSentenceClient.connect("127.0.0.1", address.getPort(), Duration.ZERO, Duration.ofSeconds(10));
  }

  /** A client that can send what TcpSentenceClient refuses to: raw bytes, several lines at once. */
  private static final class Raw implements AutoCloseable {
    final Socket socket;
    final OutputStream out;
    final BufferedReader in;

    Raw(InetSocketAddress address) throws IOException {
      socket = new Socket(address.getAddress(), address.getPort());
      socket.setSoTimeout(5_000);
      out = socket.getOutputStream();
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    void write(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
    }

    List<String> readLines(int count) throws IOException {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        lines.add(in.readLine());
      }
      return lines;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
