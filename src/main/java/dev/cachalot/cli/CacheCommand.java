package dev.cachalot.cli;

import dev.cachalot.UserFacingException;
import dev.cachalot.cache.CacheKey;
import dev.cachalot.cache.store.DiskStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cachalot cache stats|purge}: look at or purge a cache directory, or purge through a running proxy. */
@Command(
    name = "cache",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Statistics and purging for a cache directory or a running proxy.",
    subcommands = {CacheCommand.Stats.class, CacheCommand.Purge.class})
final class CacheCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 2;
  }

  @Command(name = "stats", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      description = "Entries and bytes in a cache directory (read only: safe while a proxy uses it).")
  static final class Stats implements Callable<Integer> {
    @Mixin LoggingOptions logging;
    @Spec CommandSpec spec;

    @Option(names = "--cache-dir", paramLabel = "DIR",
        description = "The cache directory (default: $XDG_CACHE_HOME/cachalot, else ~/.cache/cachalot).")
    Path cacheDir;

    @Override
    public Integer call() throws IOException {
      Path dir = cacheDir != null ? cacheDir : CacheDirs.defaultDir();
      PrintWriter out = spec.commandLine().getOut();
      if (!Files.isDirectory(dir.resolve("v1"))) {
        throw new UserFacingException("no cache directory at " + dir, 1, null);
      }
      long[] totals = new long[2];
      try (Stream<Path> files = Files.walk(dir.resolve("v1"))) {
        files.filter(Files::isRegularFile).forEach(p -> {
          totals[0]++;
          try {
            totals[1] += Files.size(p);
          } catch (IOException e) {
            // removed meanwhile
          }
        });
      }
      out.printf("cache directory: %s%n", dir.toAbsolutePath());
      out.printf("entries: %d%n", totals[0]);
      out.printf("bytes: %d (%.1f MiB)%n", totals[1], totals[1] / 1048576.0);
      out.printf("in use by a running proxy: %s%n", DiskStore.isLocked(dir) ? "yes" : "no");
      out.flush();
      return 0;
    }
  }

  @Command(name = "purge", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
      description = {"Remove a URL (all its variants) from the cache: through a running proxy with PURGE "
          + "(the default, at 127.0.0.1:8888), or directly in a cache directory no proxy is using.",
          "Exit status: 0 purged, 1 not in the cache, 2 refused or failed."})
  static final class Purge implements Callable<Integer> {
    @Mixin LoggingOptions logging;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "URL", description = "http://host/path (forward proxy), or /path for a reverse proxy.")
    String url;

    @Option(names = "--proxy", paramLabel = "HOST:PORT", converter = HostPortConverter.class,
        description = "The running proxy to send PURGE to (default: 127.0.0.1:8888).")
    InetSocketAddress proxy;

    @Option(names = "--cache-dir", paramLabel = "DIR",
        description = "Purge in this cache directory instead (refused while a proxy uses it).")
    Path cacheDir;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      if (cacheDir != null && proxy != null) {
        throw new UserFacingException("give either --proxy or --cache-dir, not both", 2, null);
      }
      if (cacheDir != null) {
        return offline(out);
      }
      return throughProxy(out, proxy != null ? proxy : new InetSocketAddress("127.0.0.1", 8888));
    }

    private int offline(PrintWriter out) throws IOException {
      CacheKey key;
      try {
        key = CacheKey.of(url);
      } catch (IllegalArgumentException e) {
        throw new UserFacingException("offline purge needs an absolute URL (http://host/path): " + url, 2, e);
      }
      try (DiskStore store = DiskStore.open(cacheDir, Long.MAX_VALUE, false)) {
        int removed = store.remove(key);
        out.println(removed > 0 ? "purged " + removed + " stored response(s) for " + key : "not in cache: " + key);
        out.flush();
        return removed > 0 ? 0 : 1;
      } catch (DiskStore.LockedException e) {
        throw new UserFacingException(e.getMessage() + "; purge through it instead: cachalot cache purge " + url
            + " --proxy HOST:PORT", 2, e);
      }
    }

    private int throughProxy(PrintWriter out, InetSocketAddress address) throws IOException {
      if (url.chars().anyMatch(c -> c <= ' ' || c == 127)) {
        throw new UserFacingException("the URL must not contain spaces or control characters", 2, null);
      }
      String host = address.getHostString() + ":" + address.getPort();
      try (Socket socket = new Socket()) {
        socket.connect(address, 5000);
        socket.setSoTimeout(10_000);
        OutputStream o = socket.getOutputStream();
        o.write(("PURGE " + url + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        o.flush();
        InputStream in = socket.getInputStream();
        String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        String statusLine = response.lines().findFirst().orElse("");
        String[] parts = statusLine.split(" ", 3);
        int status = parts.length >= 2 && parts[1].matches("\\d{3}") ? Integer.parseInt(parts[1]) : -1;
        int bodyStart = response.indexOf("\r\n\r\n");
        String body = bodyStart >= 0 ? response.substring(bodyStart + 4).strip() : "";
        switch (status) {
          case 200 -> {
            out.println(body.isEmpty() ? "purged " + url : body);
            out.flush();
            return 0;
          }
          case 404 -> {
            out.println(body.isEmpty() ? "not in cache: " + url : body);
            out.flush();
            return 1;
          }
          default -> throw new UserFacingException("the proxy at " + host + " refused the purge: "
              + (statusLine.isEmpty() ? "no answer" : statusLine) + (body.isEmpty() ? "" : " (" + body + ")"), 2, null);
        }
      } catch (java.net.ConnectException e) {
        throw new UserFacingException("no proxy at " + host + " (" + e.getMessage() + "); start one, or use --cache-dir",
            2, e);
      }
    }
  }
}
