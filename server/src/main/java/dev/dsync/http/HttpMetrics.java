package dev.dsync.http;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.ConcurrentHashMap;

/** http_requests_total{path,code} and http_request_seconds{path}; paths are route patterns only. */
public final class HttpMetrics {
    private final Counter requests;
    private final Histogram seconds;
    private final ConcurrentHashMap<String, PathPoints> byPath = new ConcurrentHashMap<>();

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
        PathPoints points = byPath.get(path);
        if (points == null) {
            points = byPath.computeIfAbsent(path, p -> new PathPoints(seconds.labelValues(p), new ConcurrentHashMap<>()));
        }
        CounterDataPoint counter = points.byStatus().get(status);
        if (counter == null) {
            counter = points.byStatus().computeIfAbsent(status, code -> requests.labelValues(path, Integer.toString(code)));
        }
        counter.inc();
        points.seconds().observe(secondsTaken);
    }

    /**
     * The data points of one route, looked up once: a label lookup builds its key anew on every
     * call, and this runs for every request. Bounded: paths are route patterns, statuses few.
     */
    private record PathPoints(DistributionDataPoint seconds, ConcurrentHashMap<Integer, CounterDataPoint> byStatus) {}
}
