package dev.dsync.bench.report;

import dev.dsync.bench.report.Results.Failover;
import dev.dsync.bench.report.Results.Series;
import dev.dsync.bench.report.Results.Trial;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainCategoryPlot;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.ScatterRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.DefaultMultiValueCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's graphs, each an SVG document drawn from measurements only: file name (without
 * .svg) to document. Pure: the same results give the same bytes.
 */
final class Charts {
    static final int WIDTH = 760;
    /** Blue, orange, green, red, purple. */
    private static final Paint[] PALETTE = {new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C), new Color(0xD62728),
            new Color(0x9467BD)};

    private Charts() {
    }

    static Map<String, String> all(Results.Report r) {
        Map<String, String> svgs = new LinkedHashMap<>();
        svgs.put("throughput", svg("throughput", throughputOverview(r.clients()), 420));
        for (Series s : r.clients()) {
            svgs.put("clients-" + s.id(), svg("clients-" + s.id(), clientCurve(s), 520));
        }
        svgs.put("nodes", svg("nodes", variants("Enqueue: 1 vs 3 vs 5 nodes", r.nodes()), 600));
        svgs.put("fsync", svg("fsync", variants("Enqueue on 3 nodes: fsync on vs off", r.fsync()), 600));
        svgs.put("failover", svg("failover", failover(r.failover()), 400));
        return svgs;
    }

    private static String svg(String id, JFreeChart chart, int height) {
        return SvgExport.svg(chart, "perf-" + id, WIDTH, height);
    }

    /** A chart in the report's theme; series colours and strokes are set after, since the theme resets them. */
    private static JFreeChart themed(String title, org.jfree.chart.plot.Plot plot) {
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        SvgExport.applyTheme(chart);
        return chart;
    }

    /** Every workload's throughput against clients, both axes logarithmic. */
    static JFreeChart throughputOverview(List<Series> series) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Series s : series) {
            data.addSeries(xy(s.label(), s.trials(), Trial::opsPerSecond));
        }
        XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, true);
        XYPlot plot = new XYPlot(data, TickedLogAxis.clients(), TickedLogAxis.oneTwoFive("operations per second"), lines);
        JFreeChart chart = themed("Throughput against clients (3 nodes)", plot);
        style(lines, 0, 1, 2, 3, 4);
        return chart;
    }

    /** One workload: throughput above, p50 and p99 latency below, sharing the clients axis. */
    static JFreeChart clientCurve(Series s) {
        XYSeriesCollection ops = new XYSeriesCollection(xy("throughput", s.trials(), Trial::opsPerSecond));
        NumberAxis opsAxis = new NumberAxis("operations per second");
        opsAxis.setAutoRangeIncludesZero(true);
        XYLineAndShapeRenderer opsLine = new XYLineAndShapeRenderer(true, true);
        XYPlot top = new XYPlot(ops, null, opsAxis, opsLine);
        XYSeriesCollection latency = new XYSeriesCollection();
        latency.addSeries(xy("p50 latency", s.trials(), Trial::p50Ms));
        latency.addSeries(xy("p99 latency", s.trials(), Trial::p99Ms));
        XYLineAndShapeRenderer latencyLines = new XYLineAndShapeRenderer(true, true);
        XYPlot bottom = new XYPlot(latency, null, TickedLogAxis.oneTwoFive("latency (ms)"), latencyLines);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(TickedLogAxis.clients());
        plot.setGap(12);
        plot.add(top, 1);
        plot.add(bottom, 1);
        JFreeChart chart = themed(s.label() + " (" + s.nodes() + " nodes)", plot);
        style(opsLine, 0);
        style(latencyLines, 2, 1);
        return chart;
    }

    /** Variants of one path side by side at each client count: throughput, p50 and p99. */
    static JFreeChart variants(String title, List<Series> series) {
        CombinedDomainCategoryPlot plot = new CombinedDomainCategoryPlot(new CategoryAxis("clients"));
        plot.setGap(10);
        List<CategoryPlot> parts = List.of(bars(series, Trial::opsPerSecond, "ops/s"), bars(series, Trial::p50Ms, "p50 (ms)"),
                bars(series, Trial::p99Ms, "p99 (ms)"));
        parts.forEach(p -> plot.add(p, 1));
        JFreeChart chart = themed(title, plot);
        for (CategoryPlot p : parts) {
            BarRenderer r = (BarRenderer) p.getRenderer();
            for (int i = 0; i < series.size(); i++) {
                r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            }
        }
        plot.setFixedLegendItems(parts.get(0).getLegendItems()); // once, not once per part
        return chart;
    }

    /** Each service's failover: the median as a bar, every trial as a dot. */
    static JFreeChart failover(List<Failover> failovers) {
        DefaultCategoryDataset medians = new DefaultCategoryDataset();
        DefaultMultiValueCategoryDataset trials = new DefaultMultiValueCategoryDataset();
        for (Failover f : failovers) {
            medians.addValue(f.p50Ms(), "median", f.service());
            trials.add(f.trialsMs(), "each trial", f.service());
        }
        NumberAxis ms = new NumberAxis("milliseconds");
        ms.setAutoRangeIncludesZero(true);
        BarRenderer bars = new BarRenderer();
        bars.setMaximumBarWidth(0.18);
        CategoryPlot plot = new CategoryPlot(medians, new CategoryAxis("service"), ms, bars);
        ScatterRenderer dots = new ScatterRenderer();
        dots.setUseSeriesOffset(false);
        plot.setDataset(1, trials);
        plot.setRenderer(1, dots);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD); // the dots over the bars
        JFreeChart chart = themed("Failover: kill -9 of the leader to the first acknowledged write", plot);
        bars.setSeriesPaint(0, new Color(0x9ECAE1));
        dots.setSeriesPaint(0, PALETTE[3]);
        dots.setSeriesShape(0, new java.awt.geom.Ellipse2D.Double(-4, -4, 8, 8));
        return chart;
    }

    private static CategoryPlot bars(List<Series> series, ToDoubleFunction<Trial> value, String axis) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Series s : series) {
            for (Trial t : s.trials()) {
                data.addValue(value.applyAsDouble(t), s.label(), Integer.toString(t.clients()));
            }
        }
        BarRenderer r = new BarRenderer();
        r.setItemMargin(0.05);
        NumberAxis y = new NumberAxis(axis);
        y.setAutoRangeIncludesZero(true);
        return new CategoryPlot(data, null, y, r);
    }

    private static XYSeries xy(String key, List<Trial> trials, ToDoubleFunction<Trial> value) {
        XYSeries s = new XYSeries(key);
        for (Trial t : trials) {
            s.add(t.clients(), value.applyAsDouble(t));
        }
        return s;
    }

    /** Series i of the renderer in palette colour colours[i], with a 2 px line. */
    private static void style(XYLineAndShapeRenderer r, int... colours) {
        for (int i = 0; i < colours.length; i++) {
            r.setSeriesPaint(i, PALETTE[colours[i]]);
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
    }
}
