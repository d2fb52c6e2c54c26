package dev.cachalot.proxy;

/** How much one cache tier holds right now. */
public record TierSize(String name, long entries, long bytes) {}
