package dev.cachalot.proxy;

import dev.cachalot.cache.CacheStatus;
import dev.cachalot.rules.Rule;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;

/** A request an operator rule sends past the cache: nothing looked up, nothing stored, the rule named. */
final class BypassObserver implements ExchangeObserver {

  private final String cacheName;
  private final Rule rule;

  BypassObserver(String cacheName, Rule rule) {
    this.cacheName = cacheName;
    this.rule = rule;
  }

  @Override
  public boolean onResponseHead(HttpResponse originResponse, HttpHeaders clientHeaders) {
    clientHeaders.add("Cache-Status", CacheStatus.forward(cacheName, CacheStatus.Fwd.BYPASS)
        .withFwdStatus(originResponse.status().code()).withDetail(rule.detail()).format());
    return true;
  }

  @Override
  public String accessResult() {
    return "TCP_MISS";
  }
}
