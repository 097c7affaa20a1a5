package org.sparkmlp.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.text.DecimalFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.sparkmlp.train.EpochMetrics;

/**
 * The report's charts as PNG images of {@link #WIDTH} × {@link #HEIGHT} pixels, drawn with JFreeChart on an
 * off-screen image: per epoch, training and validation loss (with the test loss as a level line), the same for
 * accuracy, and the learning rate. A value that is NaN (no validation set) leaves a gap; an empty run gives
 * empty axes. AWT runs headless ({@code java.awt.headless=true}, set before the first chart), so this works on
 * a driver without a display. Thread-safe: every call builds its own chart.
 */
public final class Charts {
    public static final int WIDTH = 800;
    public static final int HEIGHT = 400;

    static {
        // Before any AWT class asks: a driver or CI machine has no display, and no window is ever opened.
        System.setProperty("java.awt.headless", "true");
    }

    private static final Color TRAIN = new Color(0x1f, 0x77, 0xb4);
    private static final Color VALIDATION = new Color(0xff, 0x7f, 0x0e);
    private static final Color TEST = new Color(0x2c, 0xa0, 0x2c);
    private static final Color GRID = new Color(0xdd, 0xdd, 0xdd);

    private Charts() {
    }

    /** Training and validation loss per epoch; {@code testLoss} as a level line unless NaN. */
    public static byte[] loss(List<EpochMetrics> epochs, double testLoss) {
        return png(chart("Loss per epoch", "loss", epochs, testLoss, "test loss",
                new Line("training", EpochMetrics::trainLoss, TRAIN),
                new Line("validation", EpochMetrics::validationLoss, VALIDATION)));
    }

    /** Training and validation accuracy per epoch; {@code testAccuracy} as a level line unless NaN. */
    public static byte[] accuracy(List<EpochMetrics> epochs, double testAccuracy) {
        return png(chart("Accuracy per epoch", "accuracy", epochs, testAccuracy, "test accuracy",
                new Line("training", EpochMetrics::trainAccuracy, TRAIN),
                new Line("validation", EpochMetrics::validationAccuracy, VALIDATION)));
    }

    /** The learning rate of each epoch's last step. */
    public static byte[] learningRate(List<EpochMetrics> epochs) {
        return png(chart("Learning rate (each epoch's last step)", "learning rate", epochs, Double.NaN, null,
                new Line("learning rate", EpochMetrics::learningRate, TRAIN)));
    }

    private record Line(String name, ToDoubleFunction<EpochMetrics> value, Color colour) {
    }

    private static JFreeChart chart(String title, String yLabel, List<EpochMetrics> epochs, double level,
                                    String levelLabel, Line... lines) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Line line : lines) {
            XYSeries series = new XYSeries(line.name, false, true);
            for (EpochMetrics m : epochs) {
                double v = line.value.applyAsDouble(m);
                series.add(m.epoch(), Double.isFinite(v) ? Double.valueOf(v) : null);
            }
            data.addSeries(series);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "epoch", yLabel, data, PlotOrientation.VERTICAL,
                lines.length > 1, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setOutlineVisible(false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, epochs.size() <= 60);
        for (int i = 0; i < lines.length; i++) {
            renderer.setSeriesPaint(i, lines[i].colour);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
        NumberAxis x = (NumberAxis) plot.getDomainAxis();
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setAutoRangeIncludesZero(false);
        // JFreeChart's default switches to "1.9925E-1" for ticks finer than 1e-4, as a learning rate's are.
        double largest = 0;
        for (int s = 0; s < data.getSeriesCount(); s++) {
            for (int i = 0; i < data.getItemCount(s); i++) {
                double v = Math.abs(data.getYValue(s, i));
                largest = Double.isFinite(v) ? Math.max(largest, v) : largest;
            }
        }
        y.setNumberFormatOverride(largest > 0 && largest < 1e-3 ? new DecimalFormat("0.###E0") : new DecimalFormat("0.########"));
        if (Double.isFinite(level)) {
            ValueMarker marker = new ValueMarker(level, TEST, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            marker.setLabel(levelLabel + " " + String.format("%.4f", level));
            marker.setLabelPaint(TEST);
            marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            marker.setLabelBackgroundColor(new Color(255, 255, 255, 0));
            // At the left: the curves start far from the final test value and end near it, at the right.
            marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            marker.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
            plot.addRangeMarker(marker);
            // Keep the level line in view even when it lies outside the curves' range.
            double lo = level;
            double hi = level;
            for (int s = 0; s < data.getSeriesCount(); s++) {
                for (int i = 0; i < data.getItemCount(s); i++) {
                    double v = data.getYValue(s, i);
                    if (Double.isFinite(v)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
            double pad = hi > lo ? (hi - lo) * 0.05 : Math.max(Math.abs(hi) * 0.05, 1e-3);
            y.setRange(lo - pad, hi + pad);
        }
        return chart;
    }

    private static byte[] png(JFreeChart chart) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 << 10);
        try {
            ChartUtils.writeChartAsPNG(bytes, chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a PNG in memory", e);
        }
        return bytes.toByteArray();
    }
}
