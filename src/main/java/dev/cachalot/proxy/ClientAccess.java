package dev.cachalot.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use the proxy: the client's address must be in an allowed network (default loopback
 * only: never an open proxy) and, with an auth file, the request must carry valid Basic proxy
 * credentials. A refused client is logged once per address per minute, so that a scan or a flood
 * cannot fill the log.
 */
final class ClientAccess {

  private static final Logger log = LoggerFactory.getLogger(ClientAccess.class);
  private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final int MAX_REMEMBERED = 10_000;

  /** THROTTLED: new credentials from a client that failed to log in too often of late (see {@link LoginThrottle}). */
  enum Verdict { ALLOWED, FORBIDDEN, AUTH_REQUIRED, THROTTLED }

  private final SecurityConfig security;
  private final LoginThrottle logins = LoginThrottle.standard("proxy");
  private final ConcurrentHashMap<InetAddress, Long> lastLogged = new ConcurrentHashMap<>();

  ClientAccess(SecurityConfig security) {
    this.security = security;
  }

  /**
   * {@link #check} when it is cheap; null when the request's credentials were not verified before
   * and need a password hash, which can take a tenth of a second or more: the caller then runs
   * {@link #checkElsewhere}, off the event loop.
   */
  Verdict checkIfCheap(SocketAddress client, HttpRequest request) {
    InetAddress address = client instanceof InetSocketAddress inet ? inet.getAddress() : null;
    if (address == null || !allowed(address)) {
      logRefusal(address, "client address not in --allow " + security.allow());
      return Verdict.FORBIDDEN;
    }
    if (security.auth().isEmpty()) {
      return Verdict.ALLOWED;
    }
    String credentials = request.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION);
    if (credentials == null) {
      return Verdict.AUTH_REQUIRED;
    }
    if (security.auth().get().remembered(credentials) != null) {
      return Verdict.ALLOWED;
    }
    if (!logins.refusedFor(address).isZero()) {
      return Verdict.THROTTLED;
    }
    return null;
  }

  /** The 429 answer for a THROTTLED client. */
  LoginThrottle.Refusal loginRefusal(InetAddress client) {
    return logins.refusal(client);
  }

  /** {@link #check} on {@code executor}. */
  CompletableFuture<Verdict> checkElsewhere(SocketAddress client, HttpRequest request, Executor executor) {
    try {
      return CompletableFuture.supplyAsync(() -> check(client, request), executor);
    } catch (RejectedExecutionException closing) {
      return CompletableFuture.failedFuture(closing);
    }
  }

  Verdict check(SocketAddress client, HttpRequest request) {
    Verdict cheap = checkIfCheap(client, request);
    if (cheap != null) {
      return cheap;
    }
    if (security.auth().get().authenticate(request.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION)) == null) {
      InetAddress address = ((InetSocketAddress) client).getAddress();
      if (!logins.failed(address)) {
        logRefusal(address, "bad proxy credentials");
      }
      return Verdict.AUTH_REQUIRED;
    }
    return Verdict.ALLOWED;
  }

  boolean allowed(InetAddress address) {
    for (Cidr network : security.allow()) {
      if (network.contains(address)) {
        return true;
      }
    }
    return false;
  }

  private void logRefusal(InetAddress address, String why) {
    if (address == null) {
      return;
    }
    long now = System.nanoTime();
    Long previous = lastLogged.get(address);
    if (previous != null && now - previous < LOG_INTERVAL_NANOS) {
      return;
    }
    if (lastLogged.size() >= MAX_REMEMBERED) {
      lastLogged.clear();
    }
    lastLogged.put(address, now);
    log.warn("refused client {}: {} (logged at most once a minute per client)", address.getHostAddress(), why);
  }
}
