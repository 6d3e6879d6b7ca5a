package io.tessera.tools;

import java.util.List;
import java.util.Locale;

/** The bench's runs as a small SVG bar chart: events/s per run, with its ratio and latency. */
final class BenchChart {
    private static final int WIDTH = 640;
    private static final int BAR = 36;
    private static final int GAP = 18;
    private static final int LEFT = 110;

    private BenchChart() {}

    static String svg(List<PipelineBench.Run> runs) {
        double max = runs.stream().mapToDouble(PipelineBench.Run::eventsPerSecond).max().orElse(1);
        double baseline = runs.get(0).eventsPerSecond();
        int height = 50 + runs.size() * (BAR + GAP);
        StringBuilder svg = new StringBuilder();
        svg.append(
                String.format(
                        Locale.ROOT,
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                                + " font-family=\"sans-serif\" font-size=\"13\">%n",
                        WIDTH,
                        height));
        svg.append("<text x=\"10\" y=\"22\" font-size=\"15\">Tessera bench: events/s</text>\n");
        int y = 40;
        for (PipelineBench.Run run : runs) {
            int width = (int) Math.round((WIDTH - LEFT - 150) * run.eventsPerSecond() / max);
            String label =
                    String.format(
                            Locale.ROOT,
                            "%,.0f (%.2f x)%s",
                            run.eventsPerSecond(),
                            run.eventsPerSecond() / baseline,
                            run.latencies().isEmpty()
                                    ? ""
                                    : " p99 "
                                            + DemoPersonalize.percentile(run.latencies(), 0.99)
                                            + " ms");
            svg.append(
                    String.format(
                            Locale.ROOT,
                            "<text x=\"10\" y=\"%d\">%s</text>%n"
                                    + "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\""
                                    + " fill=\"%s\"/>%n"
                                    + "<text x=\"%d\" y=\"%d\">%s</text>%n",
                            y + BAR / 2 + 5,
                            run.name(),
                            LEFT,
                            y,
                            Math.max(1, width),
                            BAR,
                            run == runs.get(0) ? "#9aa5b1" : "#2f6fb0",
                            LEFT + width + 8,
                            y + BAR / 2 + 5,
                            label));
            y += BAR + GAP;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }
}
