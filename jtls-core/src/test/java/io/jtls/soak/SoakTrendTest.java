package io.jtls.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** The soak's trend rule catches a steady leak, and forgives warm-up and single outliers. */
class SoakTrendTest {
    private static List<SoakSample> samples(int n, IntFunction<SoakSample> at) {
        List<SoakSample> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(at.apply(i));
        }
        return list;
    }

    private static SoakSample flat(long natives, long malloc) {
        return new SoakSample(200_000, 6_000, malloc, natives, 34, 17);
    }

    @Test
    void flatFiguresWithWarmUpAndOutliersPass() {
        List<SoakSample> s = samples(12, i -> flat(1, i < 3 ? 60_000 : i == 10 ? 90_000 : 25_000));
        assertEquals(List.of(), SoakTrend.risingMetrics(s));
    }

    @Test
    void aSteadyLeakFails() {
        List<SoakSample> natives = samples(30, i -> flat(1 + 4L * i, 25_000));
        assertEquals(1, SoakTrend.risingMetrics(natives).size(), SoakTrend.risingMetrics(natives).toString());
        List<SoakSample> malloc = samples(30, i -> flat(1, 25_000 + 1_000L * i));
        assertEquals(List.of("malloc KiB rises: median of the middle third 39500, of the last third 49500 (allowed +8192)"),
                SoakTrend.risingMetrics(malloc));
    }
}
