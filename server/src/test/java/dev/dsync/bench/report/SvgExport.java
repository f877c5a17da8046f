package dev.dsync.bench.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.StandardChartTheme;
import org.jfree.svg.SVGGraphics2D;

/** Draws a JFreeChart into an SVG document with JFreeSVG: text stays text, ids are stable from run to run. */
final class SvgExport {
    private static final StandardChartTheme THEME = theme();

    private SvgExport() {
    }

    /** Fonts, white backgrounds, light grid lines, flat bars. Resets series colours: set them after. */
    static void applyTheme(JFreeChart chart) {
        THEME.apply(chart);
    }

    static String svg(JFreeChart chart, String id, int width, int height) {
        SVGGraphics2D g2 = new SVGGraphics2D(width, height);
        g2.setDefsKeyPrefix(id + "-"); // the default prefix holds the current time: every run would differ
        chart.draw(g2, new Rectangle(0, 0, width, height));
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + g2.getSVGElement(id) + "\n";
    }

    private static StandardChartTheme theme() {
        System.setProperty("java.awt.headless", "true");
        // Rotated axis labels as SVG text (rotated), not as glyph outlines.
        org.jfree.chart.text.TextUtils.setUseDrawRotatedStringWorkaround(false);
        StandardChartTheme t = new StandardChartTheme("dsync");
        t.setExtraLargeFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        t.setLargeFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        t.setRegularFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        t.setSmallFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        t.setChartBackgroundPaint(Color.WHITE);
        t.setPlotBackgroundPaint(Color.WHITE);
        t.setDomainGridlinePaint(new Color(0xDDDDDD));
        t.setRangeGridlinePaint(new Color(0xDDDDDD));
        t.setShadowVisible(false);
        t.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
        t.setXYBarPainter(new org.jfree.chart.renderer.xy.StandardXYBarPainter());
        return t;
    }
}
