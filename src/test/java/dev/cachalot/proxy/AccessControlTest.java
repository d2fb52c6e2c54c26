package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachalot.testing.LanAddress;
import dev.cachalot.testing.RawHttp;
import dev.cachalot.testing.TestOrigin;
import dev.cachalot.testing.TestOrigin.Response;
import dev.cachalot.testing.TestProxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Never an open proxy: client networks (--allow) and proxy authentication (--auth-file). */
@Timeout(30)
class AccessControlTest {

  @RegisterExtension final TestOrigin origin = new TestOrigin();
  @TempDir Path dir;

  private static String get(String url, String... headers) {
    StringBuilder s = new StringBuilder("GET " + url + " HTTP/1.1\r\nHost: x\r\n");
    for (String h : headers) {
      s.append(h).append("\r\n");
    }
    return s.append("\r\n").toString();
  }

  @Test
  void loopbackClientsAreAllowedByDefault() {
    origin.handle("/a", r -> Response.ok("hello"));
    try (TestProxy proxy = new TestProxy().start(); RawHttp c = RawHttp.connect(proxy.address(), Duration.ofSeconds(5))) {
      assertThat(c.write(get(origin.url("/a"))).readResponse().bodyText()).isEqualTo("hello");
    }
  }

  @Test
  void clientOutsideAllowedNetworksGets403NamingItAndALogLine() throws Exception {
    origin.handle("/a", r -> Response.ok("hello"));
    Path log = dir.resolve("access.log");
    try (TestProxy proxy = new TestProxy(c -> c.withAccessLog(Optional.of(log)),
        s -> s.withAllow(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("2001:db8::/32")))).start();
        RawHttp c = RawHttp.connect(proxy.address(), Duration.ofSeconds(5))) {
      RawHttp.Response response = c.write(get(origin.url("/a"))).readResponse();
      assertThat(response.status()).isEqualTo(403);
      assertThat(response.bodyText()).contains("127.0.0.1").contains("not allowed");
      assertThat(c.closedByPeer()).isTrue();
      assertThat(origin.totalRequests()).isZero();
      String line = awaitLogLine(log, " 403 ");
      assertThat(line).contains("127.0.0.1").contains("/403").contains(origin.url("/a"));
    }
  }

  @Test
  void purgeAllowAdmitsPurgesFromARemoteNetwork() throws Exception {
    InetAddress lan = LanAddress.require();
    Cidr remote = Cidr.parse(lan.getHostAddress() + "/32");
    for (boolean admitted : List.of(false, true)) {
      try (ProxyServer proxy = ProxyServer.start(ProxyConfig.defaults().withListen(new InetSocketAddress("0.0.0.0", 0))
              .withAdmin(admitted ? AdminAccess.loopbackAnd(List.of(remote)) : AdminAccess.LOOPBACK),
          SecurityConfig.defaults().withAllow(List.of(Cidr.LOOPBACK_V4, remote)));
          RawHttp c = RawHttp.connect(new InetSocketAddress(lan, proxy.address().getPort()), Duration.ofSeconds(5))) {
        RawHttp.Response r = c.write("PURGE " + origin.url("/p") + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
        assertThat(r.status()).as(admitted ? "in --purge-allow: nothing stored" : "not admin").isEqualTo(admitted ? 404 : 403);
      }
    }
  }

  static String awaitLogLine(Path log, String needle) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)) {
        for (String l : Files.readAllLines(log)) {
          if (l.contains(needle.strip())) {
            return l;
          }
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no access log line with '" + needle + "' in " + log);
  }

  private Path authFile() throws Exception {
    String salt = "s4lt";
    String hash = HexFormat.of().formatHex(ProxyAuth.sha256(salt.getBytes(StandardCharsets.UTF_8),
        "secret".getBytes(StandardCharsets.UTF_8)));
    Path file = dir.resolve("users");
    Files.writeString(file, "# comment\n\nalice:" + salt + ":" + hash + "\n");
    return file;
  }

  private static String basic(String userPass) {
    return "Proxy-Authorization: Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void authFileRequiresBasicCredentialsAnd407Otherwise() throws Exception {
    origin.handle("/a", r -> Response.ok("hello"));
    ProxyAuth auth = ProxyAuth.load(authFile(), "--auth-file");
    try (TestProxy proxy = new TestProxy(c -> c, s -> s.withAuth(Optional.of(auth))).start();
        RawHttp c = RawHttp.connect(proxy.address(), Duration.ofSeconds(5))) {
      RawHttp.Response none = c.write(get(origin.url("/a"))).readResponse();
      assertThat(none.status()).isEqualTo(407);
      assertThat(none.headers().get("Proxy-Authenticate")).isEqualTo("Basic realm=\"cachalot\"");
      assertThat(none.bodyText()).contains("proxy authentication required");
      // The connection stays usable for the retry with credentials, as clients expect.
      RawHttp.Response wrong = c.write(get(origin.url("/a"), basic("alice:wrong"))).readResponse();
      assertThat(wrong.status()).isEqualTo(407);
      RawHttp.Response unknown = c.write(get(origin.url("/a"), basic("bob:secret"))).readResponse();
      assertThat(unknown.status()).isEqualTo(407);
      RawHttp.Response garbage = c.write(get(origin.url("/a"), "Proxy-Authorization: Basic !!!")).readResponse();
      assertThat(garbage.status()).isEqualTo(407);
      RawHttp.Response ok = c.write(get(origin.url("/a"), basic("alice:secret"))).readResponse();
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.bodyText()).isEqualTo("hello");
      assertThat(origin.totalRequests()).isEqualTo(1);
      assertThat(origin.lastRequestHeaders().contains("Proxy-Authorization")).isFalse();
    }
  }

  /**
   * A password hash runs off the event loops: while one client's wrong password is being hashed,
   * clients already verified are answered. Four connections over the proxy's event loops (at most
   * one per core), so that at least one shares the guessing client's loop.
   */
  @Test
  void clientsAreAnsweredWhileAnotherClientsPasswordIsHashed() throws Exception {
    origin.handle("/a", r -> Response.ok("hello"));
    ProxyAuth auth = ProxyAuth.parse(List.of(ProxyAuth.pbkdf2Line("alice", "pepper", "secret", 500_000)), "f");
    try (TestProxy proxy = new TestProxy(c -> c, s -> s.withAuth(Optional.of(auth))).start()) {
      List<RawHttp> connections = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          connections.add(RawHttp.connect(proxy.address(), Duration.ofSeconds(10)));
        }
        assertThat(connections.get(1).write(get(origin.url("/a"), basic("alice:secret"))).readResponse().status())
            .as("verified once, then remembered").isEqualTo(200);
        var guessed = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          int status = connections.get(0).write(get(origin.url("/a"), basic("alice:guess"))).readResponse().status();
          return new long[] {status, System.nanoTime()};
        });
        Thread.sleep(50); // the guess is being hashed
        long answered = 0;
        for (RawHttp verified : connections.subList(1, 4)) {
          assertThat(verified.write(get(origin.url("/a"), basic("alice:secret"))).readResponse().status()).isEqualTo(200);
          answered = System.nanoTime();
        }
        long[] guess = guessed.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(guess[0]).isEqualTo(407);
        assertThat(answered).as("verified clients answered before the guess was refused").isLessThan(guess[1]);
      } finally {
        connections.forEach(RawHttp::close);
      }
    }
  }

  /**
   * A client that keeps failing to log in gets 429 for new credentials, without hashing them, so
   * that its guesses cannot keep other clients' logins waiting on the one hashing thread; a header
   * verified before still passes.
   */
  @Test
  void aClientFailingToLogInTooOftenGets429ForNewCredentialsButVerifiedOnesStillPass() throws Exception {
    origin.handle("/a", r -> Response.ok("hello"));
    ProxyAuth auth = ProxyAuth.parse(List.of(ProxyAuth.pbkdf2Line("alice", "pepper", "secret", 1000),
        ProxyAuth.pbkdf2Line("bob", "salt", "hunter2", 1000)), "f");
    try (TestProxy proxy = new TestProxy(c -> c, s -> s.withAuth(Optional.of(auth))).start();
        RawHttp c = RawHttp.connect(proxy.address(), Duration.ofSeconds(5))) {
      assertThat(c.write(get(origin.url("/a"), basic("alice:secret"))).readResponse().status()).isEqualTo(200);
      for (int i = 0; i < LoginThrottle.DEFAULT_LIMIT; i++) {
        assertThat(c.write(get(origin.url("/a"), basic("alice:guess" + i))).readResponse().status()).isEqualTo(407);
      }
      long hashed = auth.checkedAgainstTheFile();
      RawHttp.Response refused = c.write(get(origin.url("/a"), basic("alice:guess-again"))).readResponse();
      assertThat(refused.status()).isEqualTo(429);
      assertThat(Integer.parseInt(refused.headers().get("Retry-After"))).isBetween(1, 60);
      assertThat(refused.bodyText()).contains("too many failed proxy logins");
      assertThat(c.write(get(origin.url("/a"), basic("bob:hunter2"))).readResponse().status())
          .as("new credentials, even right ones, wait for the window to end").isEqualTo(429);
      assertThat(auth.checkedAgainstTheFile()).as("nothing hashed once refused").isEqualTo(hashed);
      assertThat(c.write(get(origin.url("/a"), basic("alice:secret"))).readResponse().status())
          .as("verified before the guessing").isEqualTo(200);
    }
  }

  @Test
  void aVerifiedHeaderIsNotHashedAgainButAWrongOneIsEveryTime() {
    ProxyAuth auth = ProxyAuth.parse(List.of(ProxyAuth.pbkdf2Line("carol", "pepper", "s3cret", 10_000)), "f");
    String right = basic("carol:s3cret").substring("Proxy-Authorization: ".length());
    String wrong = basic("carol:wrong").substring("Proxy-Authorization: ".length());
    for (int i = 0; i < 100; i++) {
      assertThat(auth.authenticate(right)).isEqualTo("carol");
    }
    assertThat(auth.checkedAgainstTheFile()).isEqualTo(1);
    for (int i = 0; i < 3; i++) {
      assertThat(auth.authenticate(wrong)).isNull();
    }
    assertThat(auth.checkedAgainstTheFile()).as("failures are not remembered").isEqualTo(4);
  }

  @Test
  void pbkdf2EntriesAuthenticateToo() {
    ProxyAuth auth = ProxyAuth.parse(List.of(ProxyAuth.pbkdf2Line("carol", "pepper", "s3cret", 10_000)), "f");
    assertThat(auth.authenticate(basic("carol:s3cret").substring("Proxy-Authorization: ".length()))).isEqualTo("carol");
    assertThat(auth.authenticate(basic("carol:wrong").substring("Proxy-Authorization: ".length()))).isNull();
  }

  @Test
  void badAuthFilesFailAtStartNamingTheLine() {
    assertThatThrownBy(() -> ProxyAuth.parse(List.of("alice:salt:nothex"), "f"))
        .hasMessageContaining("line 1").hasMessageContaining("user:salt:sha256hex");
    assertThatThrownBy(() -> ProxyAuth.parse(List.of("# only a comment"), "f")).hasMessageContaining("no users");
    assertThatThrownBy(() -> ProxyAuth.parse(List.of("bob:pbkdf2-sha256:10:salt:" + "ab".repeat(32)), "f"))
        .as("too few iterations").hasMessageContaining("line 1");
  }
}
