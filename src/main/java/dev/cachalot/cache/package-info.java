/**
 * RFC 9111 caching rules as immutable values and pure functions: no I/O, no Netty types, time
 * passed in explicitly. The proxy builds {@link dev.cachalot.cache.RequestHead} and
 * {@link dev.cachalot.cache.ResponseHead} from its messages, selects a stored variant with
 * {@link dev.cachalot.cache.Vary#matches}, asks {@link dev.cachalot.cache.CachePolicy#decide} what
 * to do, checks {@link dev.cachalot.cache.Storability#check} before storing
 * {@link dev.cachalot.cache.Storability#headersToStore}, and applies 304s with
 * {@link dev.cachalot.cache.Validation#freshen}.
 */
package dev.cachalot.cache;
