package dev.cachalot.cache;

import static dev.cachalot.cache.Fixtures.CFG;
import static dev.cachalot.cache.Fixtures.URI;
import static dev.cachalot.cache.Fixtures.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.cache.Storability.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class StorabilityTest {

  private static final int[] STATUSES = {100, 103, 200, 201, 202, 203, 204, 206, 299, 300, 301, 302, 303, 304, 307,
    308, 400, 403, 404, 405, 410, 414, 499, 500, 501, 502, 503, 504, 599};

  private static Verdict check(RequestHead req, int status, String... headers) {
    return Storability.check(req, ResponseHead.of(status, headers), CFG);
  }

  /**
   * Status × Cache-Control: the expected verdict follows RFC 9111 §3 directly, computed independently
   * of the implementation's order of checks.
   */
  static Stream<Arguments> statusTimesDirective() {
    List<String> directives = List.of("", "max-age=60", "s-maxage=60", "public", "no-store", "private",
        "private=\"X-User\"", "no-cache", "must-understand, no-store", "max-age=60, no-store", "must-revalidate",
        "max-age=x");
    List<Arguments> out = new ArrayList<>();
    for (int status : STATUSES) {
      for (String d : directives) {
        out.add(Arguments.of(status, d, expected(status, d)));
      }
    }
    return out.stream();
  }

  private static boolean expected(int status, String cc) {
    if (status < 200 || status == 206 || status == 304) {
      return false;
    }
    boolean understood = Storability.UNDERSTOOD_STATUS.contains(status);
    boolean mustUnderstand = cc.contains("must-understand");
    if (mustUnderstand && !understood) {
      return false;
    }
    if (cc.contains("no-store") && !mustUnderstand || cc.equals("private")) {
      return false;
    }
    boolean explicit = cc.contains("max-age") || cc.contains("s-maxage") || cc.contains("public");
    return explicit || Freshness.HEURISTICALLY_CACHEABLE.contains(status);
  }

  @ParameterizedTest(name = "{0} with \"{1}\" -> {2}")
  @MethodSource("statusTimesDirective")
  void rfc9111_3_statusTimesDirective(int status, String cc, boolean storable) {
    Verdict v = cc.isEmpty() ? check(get(), status) : check(get(), status, "Cache-Control", cc);
    assertThat(v.storable()).as(v.reason()).isEqualTo(storable);
    assertThat(v.reason()).isNotBlank();
  }

  static IntStream statuses() {
    return IntStream.of(STATUSES).filter(s -> s >= 200 && s != 206 && s != 304);
  }

  @ParameterizedTest
  @MethodSource("statuses")
  void rfc9111_3_expiresMakesAnyFinalStatusStorable(int status) {
    assertThat(check(get(), status, "Expires", "Thu, 01 Jan 2099 00:00:00 GMT").storable()).isTrue();
    assertThat(check(get(), status, "Expires", "0").storable()).as("even invalid Expires").isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "M-SEARCH", "get"})
  void rfc9111_3_onlyGetIsStored(String method) {
    RequestHead req = new RequestHead(method, URI, Headers.EMPTY);
    assertThat(check(req, 200, "Cache-Control", "max-age=60").storable()).isFalse();
  }

  @Test
  void rfc9111_3_noStoreInRequestForbidsStoring() {
    Verdict v = check(get("Cache-Control", "no-store"), 200, "Cache-Control", "max-age=60");
    assertThat(v).isEqualTo(new Verdict(false, "no-store in request"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"NO-STORE", "max-age=60, No-Store", "no-store, max-age=60"})
  void rfc9111_5_2_2_5_noStoreInResponseIsCaseInsensitive(String cc) {
    assertThat(check(get(), 200, "Cache-Control", cc).reason()).isEqualTo("no-store in response");
  }

  @Test
  void rfc9111_5_2_2_3_mustUnderstandWithUnknownStatusIsNotStored() {
    assertThat(check(get(), 599, "Cache-Control", "max-age=60, must-understand").storable()).isFalse();
    assertThat(check(get(), 200, "Cache-Control", "max-age=60, must-understand, no-store").storable()).isTrue();
  }

  /** RFC 9111 §3.5: Authorization × permission directives. */
  static Stream<Arguments> authorization() {
    return Stream.of(
        Arguments.of("max-age=60", false),
        Arguments.of("max-age=60, public", true),
        Arguments.of("s-maxage=60", true),
        Arguments.of("max-age=60, must-revalidate", true),
        Arguments.of("max-age=60, proxy-revalidate", false),
        Arguments.of("no-cache", false));
  }

  @ParameterizedTest
  @MethodSource("authorization")
  void rfc9111_3_5_authorizedRequestsNeedExplicitPermission(String cc, boolean storable) {
    assertThat(check(get("Authorization", "Basic eDp5"), 200, "Cache-Control", cc).storable()).isEqualTo(storable);
    assertThat(check(get(), 200, "Cache-Control", cc).storable()).isTrue();
  }

  @Test
  void rfc9111_3_5_privateCacheMayStoreAuthorizedResponses() {
    CacheConfig privateCache = new CacheConfig(false, 0.1, CFG.heuristicMax(), false, 1000);
    assertThat(Storability.check(get("Authorization", "x"), ResponseHead.of(200, "Cache-Control", "max-age=1"),
        privateCache).storable()).isTrue();
    assertThat(Storability.check(get(), ResponseHead.of(200, "Cache-Control", "private"), privateCache).storable())
        .isTrue();
  }

  /** Set-Cookie (our deliberate deviation) × directives × config. */
  static Stream<Arguments> setCookie() {
    return Stream.of(
        Arguments.of("max-age=60", false, false),
        Arguments.of("max-age=60", true, true),
        Arguments.of("max-age=60, public", false, true),
        Arguments.of("s-maxage=60", false, true),
        Arguments.of("", false, false),
        Arguments.of("", true, true));
  }

  @ParameterizedTest
  @MethodSource("setCookie")
  void deviation_setCookieStoredOnlyWithPublicOrSMaxAgeUnlessConfigured(String cc, boolean storeSetCookie,
                                     boolean storable) {
    ResponseHead resp = cc.isEmpty()
        ? ResponseHead.of(200, "Set-Cookie", "a=b", "Last-Modified", "Thu, 01 Jan 2015 00:00:00 GMT")
        : ResponseHead.of(200, "Set-Cookie", "a=b", "Cache-Control", cc);
    assertThat(Storability.check(get(), resp, CFG.withStoreSetCookie(storeSetCookie)).storable()).isEqualTo(storable);
  }

  @ParameterizedTest
  @ValueSource(strings = {"*", "Accept, *", ", *", "*, *"})
  void rfc9111_4_1_varyStarIsNotStored(String vary) {
    assertThat(check(get(), 200, "Cache-Control", "max-age=60", "Vary", vary).reason()).isEqualTo("Vary: *");
  }

  @Test
  void contentLengthAboveLimitIsNotStored() {
    CacheConfig cfg = CFG.withMaxObjectBytes(100);
    assertThat(Storability.check(get(), ResponseHead.of(200, "Cache-Control", "max-age=1", "Content-Length", "100"),
        cfg).storable()).isTrue();
    assertThat(Storability.check(get(), ResponseHead.of(200, "Cache-Control", "max-age=1", "Content-Length", "101"),
        cfg).storable()).isFalse();
    assertThat(Storability.check(get(), ResponseHead.of(200, "Cache-Control", "max-age=1", "Content-Length",
        "99999999999999"), cfg).storable()).isFalse();
  }

  @Test
  void rfc9111_3_1_storedHeadersLoseHopByHopAndQualifiedPrivateAndNoCacheFields() {
    ResponseHead resp = ResponseHead.of(200, "Cache-Control", "max-age=60, private=\"X-User\", no-cache=\"X-Tag\"",
        "Connection", "close, X-Conn", "X-Conn", "1", "Keep-Alive", "timeout=5", "Transfer-Encoding", "chunked",
        "TE", "trailers", "Upgrade", "h2c", "Proxy-Authenticate", "Basic", "Proxy-Connection", "close",
        "X-User", "alice", "X-Tag", "t", "Content-Type", "text/plain", "X-Test-Header", "v");
    assertThat(Storability.headersToStore(resp).headers()).isEqualTo(Headers.of(
        "Cache-Control", "max-age=60, private=\"X-User\", no-cache=\"X-Tag\"", "Content-Type", "text/plain",
        "X-Test-Header", "v"));
  }

  private static Verdict reusable(String... headerPairs) {
    Verdict storable = Verdict.yes("status 200 heuristically cacheable");
    Verdict verdict = Storability.reusable(storable, get(), Fixtures.stored(headerPairs), CFG);
    if (verdict.storable()) {
      assertThat(verdict).as("the verdict of the first step, unchanged").isSameAs(storable);
    }
    return verdict;
  }

  @ParameterizedTest
  @MethodSource("withoutLifetimeOrValidator")
  void rfc9111_4_2_1_and_4_3_1_aResponseWithoutLifetimeOrValidatorIsNotWorthStoring(List<String> headers) {
    Verdict verdict = reusable(headers.toArray(String[]::new));
    assertThat(verdict.storable()).isFalse();
    assertThat(verdict.reason()).isEqualTo("no freshness lifetime and no validator: reusable only after a full refetch");
  }

  static Stream<List<String>> withoutLifetimeOrValidator() {
    return Stream.of(
        List.of(),
        List.of("Content-Type", "text/plain"),
        List.of("Cache-Control", "max-age=0"),
        List.of("Cache-Control", "public"),
        List.of("Cache-Control", "s-maxage=0, max-age=60"),
        List.of("Expires", Fixtures.date(0)),
        List.of("Expires", "0"));
  }

  @ParameterizedTest
  @MethodSource("reusableLater")
  void rfc9111_4_2_1_and_4_3_1_aResponseWithALifetimeOrAValidatorIsWorthStoring(List<String> headers) {
    assertThat(reusable(headers.toArray(String[]::new)).storable()).isTrue();
  }

  static Stream<List<String>> reusableLater() {
    return Stream.of(
        List.of("Cache-Control", "max-age=1"),
        List.of("Cache-Control", "max-age=60", "Age", "59"),
        List.of("Cache-Control", "max-age=60", "Age", "3600"),
        List.of("Expires", Fixtures.date(60)),
        List.of("Last-Modified", Fixtures.date(-3600)),
        List.of("Last-Modified", Fixtures.date(0)),
        List.of("ETag", "\"v1\""),
        List.of("Cache-Control", "max-age=0", "ETag", "W/\"v1\""),
        List.of("Cache-Control", "no-cache", "ETag", "\"v1\""),
        List.of("Cache-Control", "max-age=0, stale-if-error=60"),
        List.of("Cache-Control", "max-age=0, stale-while-revalidate=60"));
  }
}
