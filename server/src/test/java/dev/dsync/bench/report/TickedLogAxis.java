package dev.dsync.bench.report;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.Range;

/**
 * A logarithmic axis whose ticks are the values given (1, 2, 4 ... clients; 1-2-5 steps for ops/s and
 * ms) labelled as plain numbers. JFreeChart's own LogAxis labels ticks with styled strings, which
 * JFreeSVG can only draw as glyph outlines; plain labels stay SVG text.
 */
final class TickedLogAxis extends LogAxis {
    private static final DecimalFormat LABEL = new DecimalFormat("#,##0.###", DecimalFormatSymbols.getInstance(Locale.ROOT));

    private final transient Function<Range, List<Double>> ticks;

    TickedLogAxis(String label, Function<Range, List<Double>> ticks) {
        super(label);
        this.ticks = ticks;
        setMinorTickMarksVisible(false);
    }

    /** Clients: the powers of two from 1 to 64, on a fixed range just beyond them. */
    static TickedLogAxis clients() {
        TickedLogAxis axis = new TickedLogAxis("clients", range -> {
            List<Double> values = new ArrayList<>();
            for (double v = 1; v <= range.getUpperBound(); v *= 2) {
                values.add(v);
            }
            return values;
        });
        axis.setBase(2);
        axis.setRange(0.8, 80);
        return axis;
    }

    /** 1, 2, 5, 10, 20, 50 ... within whatever range the data gives. */
    static TickedLogAxis oneTwoFive(String label) {
        TickedLogAxis axis = new TickedLogAxis(label, range -> {
            List<Double> values = new ArrayList<>();
            for (int exp = (int) Math.floor(Math.log10(range.getLowerBound())); exp <= Math.ceil(Math.log10(range.getUpperBound())); exp++) {
                for (int step : new int[] {1, 2, 5}) {
                    double v = step * Math.pow(10, exp);
                    if (range.contains(v)) {
                        values.add(v);
                    }
                }
            }
            return values;
        });
        axis.setSmallestValue(0.001);
        return axis;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public List refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
        TextAnchor anchor = edge == RectangleEdge.BOTTOM ? TextAnchor.TOP_CENTER : edge == RectangleEdge.TOP
                ? TextAnchor.BOTTOM_CENTER : edge == RectangleEdge.LEFT ? TextAnchor.CENTER_RIGHT : TextAnchor.CENTER_LEFT;
        List out = new ArrayList();
        for (double v : ticks.apply(getRange())) {
            String label;
            synchronized (LABEL) {
                label = LABEL.format(v);
            }
            out.add(new NumberTick(TickType.MAJOR, v, label, anchor, anchor, 0.0));
        }
        return out;
    }
}
