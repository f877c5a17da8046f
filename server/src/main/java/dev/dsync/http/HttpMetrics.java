package dev.dsync.http;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** http_requests_total{path,code} and http_request_seconds{path}; paths are route patterns only. */
public final class HttpMetrics {
    private final Counter requests;
    private final Histogram seconds;

    public HttpMetrics(PrometheusRegistry registry) {
        requests = Counter.builder().name("http_requests_total")
                .help("HTTP requests served, by route and status code")
                .labelNames("path", "code").register(registry);
        seconds = Histogram.builder().name("http_request_seconds")
                .help("HTTP request latency, by route")
                .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .labelNames("path").register(registry);
    }

    void observe(String path, int status, double secondsTaken) {
        requests.labelValues(path, Integer.toString(status)).inc();
        seconds.labelValues(path).observe(secondsTaken);
    }
}
