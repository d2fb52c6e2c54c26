package dev.cachalot.cli;

import dev.cachalot.UserFacingException;
import dev.cachalot.fetch.FetchListener;
import dev.cachalot.fetch.FetchResult;
import dev.cachalot.fetch.FetchTarget;
import dev.cachalot.fetch.Fetcher;
import dev.cachalot.fetch.ProxyAddress;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "fetch",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Ask a proxy for a page and print the answer: status line, header fields, body (the lab's client).",
      "Without URL it asks for one (Input request). The request goes to the proxy in absolute form "
          + "(GET http://host/path HTTP/1.1). Exits 0 whenever a response arrived, even 404 or 502; "
          + "non-zero when none did.",
      "A progress bar is drawn on stderr while -o writes a body and stderr is a terminal."
    })
final class FetchCommand implements Callable<Integer> {

  static final String PROMPT = "Input request: ";
  /** curl's exit code for --fail. */
  static final int HTTP_ERROR = 22;

  @Mixin LoggingOptions logging;
  @Mixin TraceOptions trace;
  @Spec CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "URL",
      description = "A host (www.example.com), host:port/path (127.0.0.1:9000/page) or http:// URL.")
  String url;

  @Option(names = "--proxy", paramLabel = "HOST:PORT",
      description = "The proxy (default: $http_proxy, else $HTTP_PROXY, else 127.0.0.1:8888).")
  String proxy;

  @Option(names = {"-I", "--head"}, description = "Send HEAD instead of GET (header fields only).")
  boolean head;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the body to FILE (the head is still printed).")
  Path output;

  @Option(names = "--raw", description = "Print exactly the bytes the proxy sent: head and body as received, framing included.")
  boolean raw;

  @Option(names = {"-f", "--fail"},
      description = "Exit 22 when the status is 400 or more (as curl --fail does); the answer is still printed.")
  boolean fail;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s", converter = DurationConverter.class,
      description = "Longest wait to connect and for each piece of the answer (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  /** Replaced by tests: where prompts and output go, the input, the environment, and whether stderr is a terminal. */
  Stdin stdin = Stdin.system();
  OutputStream stdout = System.out;
  Map<String, String> env = System.getenv();
  boolean stderrIsTerminal = System.console() != null;

  @Override
  public Integer call() throws IOException {
    trace.applyForClient();
    if (timeout.isNegative() || timeout.isZero()) {
      throw new UserFacingException("--timeout must be positive, got " + timeout, 64, null);
    }
    String input = url != null ? url : ask();
    FetchTarget target = FetchTarget.parse(input);
    var request = new Fetcher.Request(target, ProxyAddress.choose(proxy, env), head, raw, timeout,
        "cachalot-fetch/" + version());
    OutputStream out = new BufferedOutputStream(new UnclosableStream(stdout), 64 * 1024);
    FetchResult result;
    try {
      if (output == null) {
        result = Fetcher.fetch(request, out, out, FetchListener.NONE);
      } else {
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(output), 64 * 1024)) {
          FetchListener progress = stderrIsTerminal ? new ProgressBar(spec.commandLine().getErr()) : FetchListener.NONE;
          result = Fetcher.fetch(request, raw ? file : out, file, progress);
        }
      }
    } finally {
      out.flush();
    }
    if (fail && result.status() >= 400) {
      throw new UserFacingException("the answer was " + result.status() + " " + result.reason() + " (--fail)",
          HTTP_ERROR, null);
    }
    return 0;
  }

  private String ask() throws IOException {
    stdout.write(PROMPT.getBytes(StandardCharsets.UTF_8));
    stdout.flush();
    String line = new BufferedReader(new InputStreamReader(stdin.stream(), stdin.charset())).readLine();
    if (line == null) {
      stdout.write('\n');
      stdout.flush();
      throw new UserFacingException("input ended before a request was given", 66, null);
    }
    if (!stdin.terminal()) {
      // A terminal echoes what is typed; a piped answer would otherwise vanish from the transcript.
      stdout.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      stdout.flush();
    }
    return line;
  }

  private static String version() {
    try {
      String first = new VersionProvider().getVersion()[0];
      return first.substring(first.indexOf(' ') + 1);
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** The CLI's stdout stays open after a fetch. */
  private static final class UnclosableStream extends java.io.FilterOutputStream {
    UnclosableStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }

  /** A one-line progress bar on stderr, redrawn at most ten times a second. */
  static final class ProgressBar implements FetchListener {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private long length = -1;
    private long lastDraw;

    ProgressBar(PrintWriter err) {
      this.err = err;
    }

    @Override
    public void started(int status, long contentLength) {
      length = contentLength;
    }

    @Override
    public void progress(long total) {
      long now = System.nanoTime();
      if (now - lastDraw > 100_000_000L) {
        lastDraw = now;
        draw(total);
      }
    }

    @Override
    public void finished(long total) {
      draw(total);
      err.println();
      err.flush();
    }

    private void draw(long total) {
      if (length > 0) {
        int filled = (int) Math.min(WIDTH, total * WIDTH / length);
        err.printf("\r[%s%s] %3d%% %s", "#".repeat(filled), " ".repeat(WIDTH - filled), total * 100 / length, bytes(total));
      } else {
        err.printf("\r%s", bytes(total));
      }
      err.flush();
    }

    static String bytes(long n) {
      if (n < 1024) {
        return n + " B";
      }
      if (n < 1024 * 1024) {
        return String.format("%.1f KiB", n / 1024.0);
      }
      if (n < 1024L * 1024 * 1024) {
        return String.format("%.1f MiB", n / (1024.0 * 1024));
      }
      return String.format("%.2f GiB", n / (1024.0 * 1024 * 1024));
    }
  }
}
