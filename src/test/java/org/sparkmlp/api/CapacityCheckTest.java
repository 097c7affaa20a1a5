package org.sparkmlp.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.sparkmlp.data.DatasetBuilder;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.testing.SparkTests;

/** The limits checked before packing, from figures worked by hand. */
class CapacityCheckTest {
    private static final long MB = 1L << 20;

    /** 10 million rows of 8 features in float64: 10⁷ · (64 + 4) B = 648.5 MB cached; 648.5 MB of shuffle too. */
    private static DatasetBuilder.Shape tenMillion(Precision precision) {
        return new DatasetBuilder.Shape(10_000_000, 8_000_000, 1_000_000, 1_000_000, 8, 10, 40, 4, precision);
    }

    @Test
    void aCacheThatFitsInMemoryNeedsOnlyTheShufflesDisk() {
        assertNull(CapacityCheck.cacheProblem(tenMillion(Precision.FLOAT64), 700 * MB, 700 * MB, 649 * MB));
    }

    @Test
    void aCacheThatSpillsNeedsTheShuffleAndTheSpillOnDisk() {
        // 200 MB of storage memory: 448.5 MB spill + 648.5 MB shuffle = 1,097 MB of disk.
        assertNull(CapacityCheck.cacheProblem(tenMillion(Precision.FLOAT64), 200 * MB, 300 * MB, 1100 * MB));
        String problem = CapacityCheck.cacheProblem(tenMillion(Precision.FLOAT64), 200 * MB, 300 * MB, 1000 * MB);
        assertTrue(problem.startsWith("the data cannot be cached even on disk: 10,000,000 rows of 8 features take"
                + " about 649 MB as float64 blocks and 649 MB of shuffle files"), problem);
        for (String named : new String[] {"200 MB of storage memory free (of 300 MB)", "1,000 MB of disk",
            "spark.executor.memory", "spark.local.dir", "{precision} float32"}) {
            assertTrue(problem.contains(named), named + ": " + problem);
        }
        // Cached as floats the blocks take 10⁷ · 36 B = 343 MB: 143 MB spill + 649 MB shuffle fit in 1,000 MB.
        assertNull(CapacityCheck.cacheProblem(tenMillion(Precision.FLOAT32), 200 * MB, 300 * MB, 1000 * MB));
    }

    @Test
    void disksThatCannotBeSeenAreNotJudged() {
        assertNull(CapacityCheck.cacheProblem(tenMillion(Precision.FLOAT64), 0, 0, -1));
    }

    @Test
    void aRealContextReportsItsStorageMemoryAndDiskAndStopsATrillionRows() {
        try (JavaSparkContext sc = SparkTests.start("local[1]")) {
            List<String> warned = new ArrayList<>();
            CapacityCheck check = new CapacityCheck(sc.sc(), (features, classes) -> 100L * features + 10L * classes,
                    warned::add);
            // A million rows fit anywhere this test runs.
            check.accept(new DatasetBuilder.Shape(1_000_000, 800_000, 100_000, 100_000, 8, 10, 4, 2, Precision.FLOAT32));
            assertEquals(List.of(), warned, "a million rows fit in memory");
            // A trillion rows of 8 features (36 TB as float32 blocks) do not: the message holds the figures that
            // Spark and the file system gave, neither of them zero.
            CapacityException e = assertThrows(CapacityException.class, () -> check.accept(new DatasetBuilder.Shape(
                    1_000_000_000_000L, 1_000_000_000_000L, 0, 0, 8, 10, 4, 2, Precision.FLOAT32)));
            assertEquals(CapacityException.Kind.CACHE, e.kind());
            Matcher m = Pattern.compile("have ([0-9,]+) MB of storage memory free \\(of ([0-9,]+) MB\\) and"
                    + " spark.local.dir ([0-9,]+) MB of disk").matcher(e.getMessage());
            assertTrue(m.find(), e.getMessage());
            for (int g = 1; g <= 3; g++) {
                assertTrue(Long.parseLong(m.group(g).replace(",", "")) > 0, m.group(g) + " in " + e.getMessage());
            }
        }
    }

    @Test
    void aTrainingSetLargerThanTheFreeStorageMemoryIsWarnedOf() {
        // 8,000,000 training rows · 36 B = 274.7 MB (275 MB rounded up) as float32.
        assertNull(CapacityCheck.spillWarning(tenMillion(Precision.FLOAT32), 275 * MB));
        String warning = CapacityCheck.spillWarning(tenMillion(Precision.FLOAT32), 274 * MB);
        assertTrue(warning.startsWith("warning: the training set takes about 275 MB as float32 blocks but the"
                + " executors have 274 MB of storage memory free: the rest spills to disk and is read back at every"
                + " step"), warning);
        assertTrue(CapacityCheck.spillWarning(tenMillion(Precision.FLOAT64), 274 * MB).endsWith("or cache float32"
                + " blocks"));
    }

    @Test
    void theDriverNeedsItsHeapNowPlusTheModelsCopies() {
        // 1,000,000 parameters, 4 tasks: (4 + 8) · 8 MB = 96 MB (91.6 MiB) + 32 MiB margin over 100 MiB used.
        long model = 12L * 1_000_000 * 8;
        long need = 100 * MB + model + CapacityCheck.DRIVER_MARGIN;
        assertNull(CapacityCheck.driverProblem(100 * MB, need, 4, 1_000_000));
        String problem = CapacityCheck.driverProblem(100 * MB, need - 1, 4, 1_000_000);
        assertTrue(problem.startsWith("the driver's heap is too small: it holds 100 MB after reading the data and"
                + " training needs about 124 MB more (1000000 parameters in 12 copies"), problem);
        assertTrue(problem.contains("a gradient per task among them") && problem.contains("spark.driver.memory")
                && problem.contains("a smaller model"), problem);
    }
}
