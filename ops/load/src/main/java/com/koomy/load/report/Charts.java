package com.koomy.load.report;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One PNG per scenario: latency (p50, p95, p99, log scale, left) and throughput (requests/s, right)
 * against simultaneous users, with the 500 ms stop line (and the 200 ms browsing target). A second
 * topology (two APIs behind HAProxy) is drawn dashed on the same axes when there is one.
 */
final class Charts {

    private static final Color[] LATENCY = {new Color(0x6baed6), new Color(0x2171b5), new Color(0x08306b)};
    private static final Color THROUGHPUT = new Color(0xd94801);

    private Charts() {
    }

    static void draw(Path file, String title, String subtitle, String xLabel, List<Run> runs, List<String> labels,
                     double... limits) throws IOException {
        XYSeriesCollection latency = new XYSeriesCollection();
        XYSeriesCollection throughput = new XYSeriesCollection();
        for (int r = 0; r < runs.size(); r++) {
            String suffix = runs.size() > 1 ? " (" + labels.get(r) + ")" : "";
            XYSeries p50 = new XYSeries("p50" + suffix);
            XYSeries p95 = new XYSeries("p95" + suffix);
            XYSeries p99 = new XYSeries("p99" + suffix);
            XYSeries rps = new XYSeries("requests/s" + suffix);
            for (Map<String, String> s : runs.get(r).steps()) {
                double users = Run.num(s, "users");
                // A log axis has no zero: sub-millisecond answers are drawn at 1 ms.
                p50.add(users, Math.max(1, Run.num(s, "p50_ms")));
                p95.add(users, Math.max(1, Run.num(s, "p95_ms")));
                p99.add(users, Math.max(1, Run.num(s, "p99_ms")));
                rps.add(users, Run.num(s, "rps"));
            }
            latency.addSeries(p50);
            latency.addSeries(p95);
            latency.addSeries(p99);
            throughput.addSeries(rps);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, "latency (ms, log scale)", latency,
                PlotOrientation.VERTICAL, true, false, false);
        chart.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        LogarithmicAxis latencyAxis = new LogarithmicAxis("latency (ms, log scale)");
        latencyAxis.setLog10TickLabelsFlag(false);
        latencyAxis.setExpTickLabelsFlag(false);
        double highest = Math.max(latency.getRangeUpperBound(false), java.util.Arrays.stream(limits).max().orElse(1));
        // The stop line stays in view even when every step was far below it.
        latencyAxis.setRange(1, highest * 1.6);
        plot.setRangeAxis(0, latencyAxis);
        NumberAxis rpsAxis = new NumberAxis("requests/s");
        plot.setRangeAxis(1, rpsAxis);
        plot.setDataset(1, throughput);
        plot.mapDatasetToRangeAxis(1, 1);

        XYLineAndShapeRenderer latencyRenderer = new XYLineAndShapeRenderer(true, true);
        XYLineAndShapeRenderer rpsRenderer = new XYLineAndShapeRenderer(true, true);
        for (int r = 0; r < runs.size(); r++) {
            BasicStroke stroke = r == 0 ? new BasicStroke(2f)
                    : new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);
            for (int i = 0; i < 3; i++) {
                latencyRenderer.setSeriesPaint(r * 3 + i, LATENCY[i]);
                latencyRenderer.setSeriesStroke(r * 3 + i, stroke);
            }
            rpsRenderer.setSeriesPaint(r, THROUGHPUT);
            rpsRenderer.setSeriesStroke(r, stroke);
        }
        plot.setRenderer(0, latencyRenderer);
        plot.setRenderer(1, rpsRenderer);
        for (double limit : limits) {
            ValueMarker marker = new ValueMarker(limit, Color.RED, new BasicStroke(1f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 10f, new float[] {3f, 3f}, 0f));
            marker.setLabel(String.format("%.0f ms", limit));
            marker.setLabelPaint(Color.RED);
            marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            marker.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
            plot.addRangeMarker(0, marker, org.jfree.chart.ui.Layer.FOREGROUND);
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1000, 560);
    }
}
