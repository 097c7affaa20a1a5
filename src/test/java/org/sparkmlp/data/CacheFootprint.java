package org.sparkmlp.data;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.RDDInfo;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.nn.Scaling;
import org.sparkmlp.testing.SparkTests;

/**
 * Measures data preparation alone: builds the sets from a data path as {@code train} would, then prints each
 * set's cached size from Spark's storage figures beside rows × features × bytes per value, and the heap the
 * build needed (the largest heap after a collection, i.e. what was live, and the largest before one).
 *
 * <pre>
 * java -Xmx3g [Spark's --add-opens] -cp target/spark-mlp.jar:target/test-classes:$(cat target/classpath.txt) \
 *     org.sparkmlp.data.CacheFootprint DATA float32|float64 [PARTITIONS [VAL_FRACTION]]
 * </pre>
 * ({@code bench/cache-footprint.sh} passes the JVM options.)
 */
public final class CacheFootprint {
    private CacheFootprint() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: CacheFootprint DATA float32|float64 [PARTITIONS [VAL_FRACTION]]");
            System.exit(2);
        }
        AtomicLong liveAfterGc = new AtomicLong();
        AtomicLong usedBeforeGc = new AtomicLong();
        watchCollections(liveAfterGc, usedBeforeGc);

        String path = args[0];
        Precision precision = Precision.fromId(args[1]);
        int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        double validation = args.length > 3 ? Double.parseDouble(args[3]) : 0.1;
        try (JavaSparkContext sc = new JavaSparkContext(SparkTests.conf("local[2]"))) {
            long started = System.nanoTime();
            DataSource source = new DataSource(path, DataSource.Format.AUTO, LabelColumn.LAST, CsvReader.Header.AUTO);
            DataSource.Loaded loaded = source.loadForTraining(sc, partitions, true);
            Scaling.Kind kind = loaded.format() == DataSource.Format.IDX ? Scaling.Kind.PIXEL : Scaling.Kind.MINMAX;
            CachedSets d = DatasetBuilder.build(sc, loaded.data(), loaded.test(),
                    BuildOptions.of(partitions, new DatasetBuilder.Split(validation, loaded.test() != null ? 0.0 : 0.2,
                            42), precision).withScalingKind(kind).withDescription(loaded.description()));
            double seconds = (System.nanoTime() - started) / 1e9;
            System.gc();
            System.out.printf("%s, %s, %d partitions: built in %.1f s%n", d.description(), precision.id(), partitions,
                    seconds);
            long cached = 0;
            long nominal = 0;
            for (Object[] set : new Object[][] {{"training", d.train(), d.trainRows()},
                    {"validation", d.validation(), d.validationRows()}, {"test", d.test(), d.testRows()}}) {
                @SuppressWarnings("unchecked")
                JavaRDD<Block> rdd = (JavaRDD<Block>) set[1];
                long rows = (Long) set[2];
                if (rdd == null) {
                    continue;
                }
                long values = rows * d.features() * precision.bytes();
                RDDInfo info = info(sc, rdd.id());
                long blocks = rdd.count();
                System.out.printf("  %-10s %,9d rows in %,5d blocks: memory %,13d B, disk %,11d B, %d/%d partitions"
                                + " cached; rows×features×%d = %,13d B; ratio %.4f (with 4-byte labels: %.4f)%n",
                        set[0], rows, blocks, info.memSize(), info.diskSize(), info.numCachedPartitions(),
                        info.numPartitions(), precision.bytes(), values,
                        (double) (info.memSize() + info.diskSize()) / values,
                        (double) (info.memSize() + info.diskSize()) / (values + 4 * rows));
                cached += info.memSize() + info.diskSize();
                nominal += values;
            }
            System.gc();
            Runtime rt = Runtime.getRuntime();
            System.out.printf("  all sets: cached %,d B (nominal %,d B)%n", cached, nominal);
            System.out.printf("  heap: max %,d B; largest live after a collection %,d B (%.2f × cached);"
                            + " largest used before one %,d B; live now %,d B%n", rt.maxMemory(), liveAfterGc.get(),
                    (double) liveAfterGc.get() / cached, usedBeforeGc.get(), rt.totalMemory() - rt.freeMemory());
        }
    }

    private static RDDInfo info(JavaSparkContext sc, int id) {
        for (RDDInfo info : sc.sc().getRDDStorageInfo()) {
            if (info.id() == id) {
                return info;
            }
        }
        throw new IllegalStateException("RDD " + id + " is not cached");
    }

    /** Tracks the largest heap use after and before any collection. */
    private static void watchCollections(AtomicLong after, AtomicLong before) {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    return;
                }
                var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                after.accumulateAndGet(sum(info.getGcInfo().getMemoryUsageAfterGc()), Math::max);
                before.accumulateAndGet(sum(info.getGcInfo().getMemoryUsageBeforeGc()), Math::max);
            }, null, null);
        }
    }

    private static long sum(Map<String, MemoryUsage> pools) {
        long used = 0;
        for (Map.Entry<String, MemoryUsage> e : pools.entrySet()) {
            String name = e.getKey();
            if (name.contains("Eden") || name.contains("Survivor") || name.contains("Old") || name.contains("Tenured")) {
                used += e.getValue().getUsed();
            }
        }
        return used;
    }
}
