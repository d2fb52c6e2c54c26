/**
 * The lab's client: asks a proxy for a page ({@code GET http://host/path HTTP/1.1}, absolute form)
 * and streams the answer to an OutputStream the caller hands in. {@link dev.cachalot.fetch.Fetcher}
 * is the entry point; it never prints and never exits.
 */
package dev.cachalot.fetch;
