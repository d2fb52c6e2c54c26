package dev.cachalot.http;

import dev.cachalot.cache.Headers;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Hop-by-hop fields (RFC 9110 §7.6.1): meaningful for one connection only, so a proxy neither
 * forwards nor stores them (RFC 9111 §3.1). Proxy-Authorization, Proxy-Authenticate and
 * Proxy-Authentication-Info are addressed to the proxy itself (RFC 9110 §11.7), so they are
 * treated the same way.
 */
public final class HopByHop {

    /** Lower-cased names that are always hop-by-hop. */
    public static final Set<String> ALWAYS = Set.of(
            "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
            "proxy-authorization", "proxy-authenticate", "proxy-authentication-info");

    private HopByHop() {
    }

    /** The fixed set plus every field named in Connection, lower-cased. */
    public static Set<String> names(Headers headers) {
        return names(headers.all("Connection"));
    }

    /** The fixed set plus every field named in the given Connection field lines, lower-cased. */
    public static Set<String> names(List<String> connectionFieldLines) {
        Set<String> out = new LinkedHashSet<>(ALWAYS);
        for (String line : connectionFieldLines) {
            for (String option : Headers.splitList(line)) {
                out.add(option.toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    public static boolean isHopByHop(String name, Headers headers) {
        return names(headers).contains(name.toLowerCase(Locale.ROOT));
    }

    /** The end-to-end fields only. */
    public static Headers strip(Headers headers) {
        return headers.without(List.copyOf(names(headers)));
    }
}
