/** HTTP message rules shared by the proxy and the cache: dates, Cache-Control, hop-by-hop fields. */
package dev.cachalot.http;
