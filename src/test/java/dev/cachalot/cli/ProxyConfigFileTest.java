package dev.cachalot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachalot.config.ConfigException;
import dev.cachalot.config.ConfigReloader;
import dev.cachalot.proxy.ProxyConfig;
import dev.cachalot.proxy.ProxyServer;
import dev.cachalot.rules.Rule;
import dev.cachalot.testing.TestOrigin;
import dev.cachalot.testing.TestOrigin.Response;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code cachalot proxy --config FILE}: every option from the file, flags win, errors name file, line and key. */
@Timeout(60)
class ProxyConfigFileTest {

  @TempDir Path dir;
  @RegisterExtension final TestOrigin origin = new TestOrigin();

  private Path write(String yaml) throws Exception {
    Path file = dir.resolve("config.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  /** Parses the command line as Main would and returns the proxy command, not yet run. */
  private static ProxyCommand parsed(String... args) {
    CommandLine cli = Main.newCommandLine();
    List<String> all = new ArrayList<>(List.of("proxy"));
    all.addAll(List.of(args));
    cli.parseArgs(all.toArray(String[]::new));
    return (ProxyCommand) cli.getSubcommands().get("proxy").getCommand();
  }

  private static final String EVERYTHING = """
      # every option the proxy has
      listen: 127.0.0.1:0
      connect-ports: [443, 8443]
      access-log: /tmp/cachalot-access.log
      connect-timeout: 3s
      first-byte-timeout: 2m
      cache-mem: 32m
      cache-max-object: 1m
      heuristic-percent: 20
      heuristic-max: 2h
      share-set-cookie: true
      purge-allow: [10.0.0.0/8, 2001:db8::/32]
      presets: [debian]
      rules:
        - name: builds
          url-glob: "http://ci.example/artifacts/*"
          ignore-case: true
          immutable: 30d
        - name: api
          url-regex: "^https?://api\\\\."
          never-cache: true
        - name: docs
          url-regex: "/docs/"
          content-type: [text/html]
          default: {min: 1m, percent: 10, max: 1h}
      """;

  @Test
  void theFileSetsEveryOptionPresetsAndRules() throws Exception {
    ProxyConfig c = parsed("--config", write(EVERYTHING).toString()).effectiveConfig();
    assertThat(c.listen().getPort()).isZero();
    assertThat(c.connectPorts()).containsExactlyInAnyOrder(443, 8443);
    assertThat(c.accessLog()).contains(Path.of("/tmp/cachalot-access.log"));
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.firstByteTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.cacheMemBytes()).isEqualTo(32L << 20);
    assertThat(c.cache().maxObjectBytes()).isEqualTo(1L << 20);
    assertThat(c.cache().heuristicFraction()).isEqualTo(0.20);
    assertThat(c.cache().heuristicMax()).isEqualTo(Duration.ofHours(2));
    assertThat(c.cache().storeSetCookie()).isTrue();
    assertThat(c.admin().loopback()).isTrue();
    assertThat(c.admin().networks()).extracting(Object::toString).containsExactly("10.0.0.0/8", "2001:db8::/32");
    assertThat(c.cache().rules().list()).extracting(Rule::name).containsExactly(
        "debian-by-hash", "debian-pool", "debian-release", "debian-indices", "builds", "api", "docs");
  }

  @Test
  void theDocumentedExampleLoads() {
    ProxyConfig c = parsed("--config", "docs/cachalot.example.yaml").effectiveConfig();
    assertThat(c.listen().getPort()).isEqualTo(3142);
    assertThat(c.cache().rules().list()).extracting(Rule::name).startsWith("debian-by-hash").contains("metrics");
  }

  @Test
  void flagsOnTheCommandLineWinOverTheFile() throws Exception {
    ProxyConfig c = parsed("--config", write(EVERYTHING).toString(), "--cache-mem", "2m", "--preset", "ubuntu",
        "--connect-ports", "443").effectiveConfig();
    assertThat(c.cacheMemBytes()).isEqualTo(2L << 20);
    assertThat(c.connectPorts()).containsExactly(443);
    assertThat(c.cache().rules().list().get(0).name()).isEqualTo("ubuntu-by-hash");
    assertThat(c.cache().maxObjectBytes()).as("still from the file").isEqualTo(1L << 20);
  }

  @Test
  void withoutAFileTheDefaultsAndPresetFlagApply() {
    ProxyConfig c = parsed("--preset", "debian").effectiveConfig();
    assertThat(c.cacheMemBytes()).isEqualTo(256L << 20);
    assertThat(c.cache().rules().list()).hasSize(4);
    assertThat(parsed().effectiveConfig().cache().rules().isEmpty()).isTrue();
  }

  @Test
  void anUnknownKeyIsRefusedWithFileLineAndTheKnownKeys() throws Exception {
    Path file = write("listen: 127.0.0.1:0\n\ncache-mme: 1g\n");
    assertThatThrownBy(() -> parsed("--config", file.toString()).effectiveConfig())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file + ":3: unknown key 'cache-mme' (known: ")
        .hasMessageContaining("cache-mem").hasMessageContaining("rules").hasMessageContaining("presets");
  }

  @Test
  void aBadValueIsRefusedWithFileLineAndKey() throws Exception {
    Path file = write("listen: 127.0.0.1:0\ncache-mem: lots\n");
    assertThatThrownBy(() -> parsed("--config", file.toString()).effectiveConfig())
        .hasMessage(file + ":2: bad value for 'cache-mem': 'lots' is not a size (examples: 512k, 256m, 1g)");
    Path ports = write("connect-ports: [443, 70000]\n");
    assertThatThrownBy(() -> parsed("--config", ports.toString()).effectiveConfig())
        .hasMessageStartingWith(ports + ":1: bad value for 'connect-ports': 70000");
    Path flag = write("share-set-cookie: sometimes\n");
    assertThatThrownBy(() -> parsed("--config", flag.toString()).effectiveConfig())
        .hasMessage(flag + ":1: bad value for 'share-set-cookie': expected true or false, got 'sometimes'");
    Path preset = write("presets: [debian, fedora]\n");
    assertThatThrownBy(() -> parsed("--config", preset.toString()).effectiveConfig())
        .hasMessageStartingWith(preset + ":1: bad value for 'presets': unknown preset 'fedora'");
  }

  @Test
  void aBrokenRuleIsRefusedWithFileLineAndKey() throws Exception {
    Path typo = write("rules:\n  - name: a\n    immutable: 1d\n  - name: b\n    url-rgex: x\n    bypass: true\n");
    assertThatThrownBy(() -> parsed("--config", typo.toString()).effectiveConfig())
        .hasMessageStartingWith(typo + ":5: unknown key 'url-rgex' in rules[1] (known: ")
        .hasMessageContaining("url-regex");
    Path regex = write("rules:\n  - name: a\n    url-regex: \"(oops\"\n    immutable: 1d\n");
    assertThatThrownBy(() -> parsed("--config", regex.toString()).effectiveConfig())
        .hasMessageStartingWith(regex + ":2: rules[0]: rule 'a': bad regex '(oops'");
    Path two = write("rules:\n  - name: a\n    immutable: 1d\n    never-cache: true\n");
    assertThatThrownBy(() -> parsed("--config", two.toString()).effectiveConfig())
        .hasMessage(two + ":2: rules[0]: rule 'a': needs exactly one of default, immutable, never-cache, bypass; got 2");
    Path status = write("rules:\n  - name: a\n    immutable: 1d\n    status: [ok]\n");
    assertThatThrownBy(() -> parsed("--config", status.toString()).effectiveConfig())
        .hasMessageStartingWith(status + ":4: bad value for 'status.[0]' in rules[0]");
  }

  @Test
  void theCommandPrintsTheRefusalAsOneLineAndExitsWith2() throws Exception {
    Path file = write("cache-mme: 1g\n");
    CommandLine cli = Main.newCommandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute("proxy", "--config", file.toString());
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).startsWith("cachalot: " + file + ":1: unknown key 'cache-mme' (known: ");
    assertThat(err.toString().strip().lines()).hasSize(1);
  }

  @Test
  void reloadAppliesNewRulesToNewRequestsAndABrokenFileKeepsTheOldOnes() throws Exception {
    String byHash = "/debian/dists/bookworm/main/by-hash/SHA256/abc";
    // A mirror's ETag: with zero lifetime and no validator the response would not be stored at all.
    origin.handle(byHash, r -> Response.ok("index\n").header("ETag", "\"index-1\""));
    Path file = write("listen: 127.0.0.1:0\n");
    ProxyCommand command = parsed("--config", file.toString());
    try (ProxyServer server = ProxyServer.start(command.effectiveConfig())) {
      ConfigReloader<ProxyConfig> reloader = command.reloaderFor(server);
      HttpClient client = HttpClient.newBuilder().proxy(java.net.ProxySelector.of(server.address()))
          .version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest get = HttpRequest.newBuilder(URI.create(origin.url(byHash))).build();
      client.send(get, BodyHandlers.discarding());
      client.send(get, BodyHandlers.discarding());
      assertThat(origin.requests(byHash)).as("no rules: every fetch reaches the origin").isEqualTo(2);

      Files.writeString(file, "listen: 127.0.0.1:0\npresets: [debian]\n");
      ConfigReloader.Result ok = reloader.reload();
      assertThat(ok.ok()).as(ok.message()).isTrue();
      assertThat(ok.message()).contains("debian-by-hash");
      // The response stored before the reload (zero lifetime then) is now immutable for a year: a hit.
      HttpResponse<Void> hit = client.send(get, BodyHandlers.discarding());
      assertThat(origin.requests(byHash)).isEqualTo(2);
      assertThat(hit.headers().firstValue("Cache-Status"))
          .hasValueSatisfying(v -> assertThat(v).contains("hit").contains("detail=rule:debian-by-hash"));

      Files.writeString(file, "listen: 127.0.0.1:0\npresets: [debian]\nrules:\n  - name: x\n    imutable: 1d\n");
      ConfigReloader.Result refused = reloader.reload();
      assertThat(refused.ok()).isFalse();
      assertThat(refused.message()).startsWith(file + ":5: unknown key 'imutable' in rules[0]");
      assertThat(server.cacheConfig().rules().list()).hasSize(4);
      client.send(get, BodyHandlers.discarding());
      assertThat(origin.requests(byHash)).as("old rules still in force").isEqualTo(2);
    }
  }
}
