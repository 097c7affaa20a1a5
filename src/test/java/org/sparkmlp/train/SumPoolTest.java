package org.sparkmlp.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkmlp.nn.GradientSum;
import org.sparkmlp.testing.SparkTests;

/** The per-thread pool of gradient sums: nothing a task still holds is lent twice. */
class SumPoolTest {
    private static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = SparkTests.start("local[2]");
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    @Test
    void aTaskThatAsksForThePoolAgainKeepsWhatItWasLent() {
        List<Boolean> distinct = sc.parallelize(List.of(1, 2, 3, 4), 4).map(i -> {
            GradientSum first = GradientTask.SumPool.forTask().take();
            GradientSum second = GradientTask.SumPool.forTask().take();
            return first != second;
        }).collect();
        assertEquals(List.of(true, true, true, true), distinct);
    }

    @Test
    void everythingIsFreeAgainForTheNextTaskOrOutsideTasks() {
        GradientTask.SumPool pool = GradientTask.SumPool.forTask();
        GradientSum a = pool.take();
        GradientSum b = pool.take();
        assertNotSame(a, b);
        pool.give(b);
        assertSame(b, pool.take(), "a sum given back is lent again");
        // Outside a task (the driver), every call starts afresh: both sums are free again.
        GradientTask.SumPool again = GradientTask.SumPool.forTask();
        GradientSum c = again.take();
        GradientSum d = again.take();
        assertEquals(2, List.of(a, b).stream().filter(s -> s == c || s == d).count());
    }
}
