/**
 * The proxy's admin side, on its own port: Prometheus metrics ({@code /metrics}), health
 * ({@code /healthz}), live statistics as JSON ({@code /api/stats}) and the dashboard page that draws
 * them ({@code /}). {@link dev.cachalot.admin.ProxyMetrics} hears the proxy through
 * {@link dev.cachalot.proxy.ProxyListener}; {@link dev.cachalot.admin.AdminServer} serves it.
 */
package dev.cachalot.admin;
