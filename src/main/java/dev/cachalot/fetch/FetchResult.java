package dev.cachalot.fetch;

/** The final response's status, and how many body bytes (or, with raw output, bytes in all) arrived. */
public record FetchResult(int status, String reason, long bodyBytes) {}
