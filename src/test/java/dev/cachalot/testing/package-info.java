/**
 * Reusable fixtures for tests with real sockets on 127.0.0.1 and ephemeral ports:
 *
 * <ul>
 *   <li>{@link dev.cachalot.testing.TestOrigin}: an HTTP(S) origin (JUnit extension or by hand);
 *       path → handler, request count per path, connection count (keep-alive reuse), last request
 *       headers; streamed bodies both ways (generated responses, counted and CRC32-checksummed
 *       uploads); misbehaviour on demand (hang, reset mid-body, close without answer);
 *   <li>{@link dev.cachalot.testing.TestProxy}: the proxy in-process, with a config customizer;
 *   <li>{@link dev.cachalot.testing.RawHttp}: a plain socket with Netty-decoded responses, for
 *       pipelining, HTTP/1.0 and the lab's bare line;
 *   <li>{@link dev.cachalot.testing.Curl}: the real curl, skipped when missing except on CI;
 *   <li>{@link dev.cachalot.testing.SelfSignedTls}: a keytool-made certificate for TLS origins.
 * </ul>
 */
package dev.cachalot.testing;
