package io.jtls.soak;

import java.util.ArrayList;
import java.util.List;

/**
 * The soak's rule for "trends up": the first third of the samples is warm-up (caches, JIT,
 * arenas, pools filling); the median of the last third may not exceed the median of the middle
 * third by more than the metric's tolerance, the larger of a relative and an absolute slack.
 * Medians of thirds, not single samples or means, so that a few noisy samples (the JIT's own
 * malloc arenas, a GC) neither fail the run nor hide a trend; a leak shows because it keeps
 * growing after the warm-up, which moves the whole last third.
 */
final class SoakTrend {
    private SoakTrend() {}

    /** Relative slack per metric, in {@link SoakSample#NAMES} order. */
    static final double[] RELATIVE = {0.10, 0.10, 0.10, 0.10, 0.10, 0.10};
    /** Absolute slack per metric: 16 MiB RSS, 4 MiB heap, 8 MiB malloc, 16 natives, 8 fds, 4 threads. */
    static final long[] ABSOLUTE = {16 * 1024, 4 * 1024, 8 * 1024, 16, 8, 4};

    /** One line per metric that trends up; empty when all are flat. Needs at least 3 samples. */
    static List<String> risingMetrics(List<SoakSample> samples) {
        List<String> rising = new ArrayList<>();
        int third = samples.size() / 3;
        if (third == 0) {
            throw new IllegalArgumentException("at least 3 samples, got " + samples.size());
        }
        for (int m = 0; m < SoakSample.NAMES.length; m++) {
            double middle = median(samples.subList(third, 2 * third), m);
            double last = median(samples.subList(samples.size() - third, samples.size()), m);
            double allowed = Math.max(middle * RELATIVE[m], ABSOLUTE[m]);
            if (last > middle + allowed) {
                rising.add(String.format("%s rises: median of the middle third %.0f, of the last third %.0f (allowed +%.0f)",
                        SoakSample.NAMES[m], middle, last, allowed));
            }
        }
        return rising;
    }

    /** The median of one metric over samples (the mean of the two middle values for an even count). */
    static double median(List<SoakSample> samples, int metric) {
        long[] v = samples.stream().mapToLong(s -> s.values()[metric]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }
}
