/**
 * Micrometer meters for jtls servers: {@link io.jtls.micrometer.JtlsMetrics} binds a
 * {@link io.jtls.TlsServer}'s statistics to a {@code MeterRegistry}.
 */
package io.jtls.micrometer;
