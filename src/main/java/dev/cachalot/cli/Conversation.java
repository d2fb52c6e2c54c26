package dev.cachalot.cli;

import dev.cachalot.UserFacingException;
import dev.cachalot.sentence.SentenceClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * The client side of the sentence service as a user meets it. Two modes:
 *
 * <ul>
 *   <li>the lab's: neither --host nor --port given, so it asks "Enter Server Name: ", "Enter Server
 *       Port: " and (without --message) "Enter a sentence: ", then prints "Modified Sentence from
 *       Server: ...". Answers piped in are echoed after their prompt, so the output reads exactly as
 *       the lab's terminal transcript;
 *   <li>the scriptable one: --host and/or --port given; the reply to --message, or to each stdin
 *       line when stdin is not a terminal, is printed bare, one line each.
 * </ul>
 */
final class Conversation {

  static final String DEFAULT_HOST = "localhost";
  static final int DEFAULT_PORT = 12000;

  interface Connector {
    SentenceClient open(String host, int port);
  }

  private final ClientOptions options;
  private final Stdin stdin;
  private final PrintWriter out;
  private final BufferedReader reader;

  Conversation(ClientOptions options, Stdin stdin, PrintWriter out) {
    this.options = options;
    this.stdin = stdin;
    this.out = out;
    this.reader = new BufferedReader(new InputStreamReader(stdin.stream(), stdin.charset()));
  }

  void run(Connector connector) {
    boolean lab = options.host == null && options.port == null;
    String host = lab ? orDefault(ask("Enter Server Name: ", "server name"), DEFAULT_HOST) : orDefault(options.host, DEFAULT_HOST);
    int port = lab ? parsePort(ask("Enter Server Port: ", "server port")) : checkPort(options.port == null ? DEFAULT_PORT : options.port);
    try (SentenceClient sender = connector.open(host, port)) {
      if (options.message != null) {
        print(lab, sender.send(options.message));
      } else if (lab || stdin.terminal()) {
        print(true, sender.send(ask("Enter a sentence: ", "sentence")));
      } else {
        for (String line = readLine(); line != null; line = readLine()) {
          print(false, sender.send(line));
        }
      }
    }
  }

  private void print(boolean lab, String reply) {
    out.println(lab ? "Modified Sentence from Server: " + reply : reply);
    out.flush();
  }

  private String ask(String prompt, String what) {
    out.print(prompt);
    out.flush();
    String answer = readLine();
    if (answer == null) {
      out.println();
      out.flush();
      throw new UserFacingException("input ended before a " + what + " was given", 66, null);
    }
    if (!stdin.terminal()) {
      // A terminal echoes what is typed; piped answers would otherwise vanish from the transcript.
      out.println(answer);
      out.flush();
    }
    return answer;
  }

  private String readLine() {
    try {
      return reader.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value.strip();
  }

  private static int parsePort(String text) {
    if (text.isBlank()) {
      return DEFAULT_PORT;
    }
    try {
      return checkPort(Integer.parseInt(text.strip()));
    } catch (NumberFormatException e) {
      throw badPort(text.strip());
    }
  }

  private static int checkPort(int port) {
    if (port < 1 || port > 65_535) {
      throw badPort(Integer.toString(port));
    }
    return port;
  }

  private static UserFacingException badPort(String text) {
    return new UserFacingException("'" + text + "' is not a port: give a number from 1 to 65535", 64, null);
  }
}
