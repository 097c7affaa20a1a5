package org.sparkmlp.api;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.ToLongBiFunction;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkExecutorInfo;
import org.sparkmlp.data.DatasetBuilder;
import org.sparkmlp.data.PartitionGroups;
import org.sparkmlp.data.TaskSlots;
import scala.Tuple2;
import scala.collection.Iterator;

/**
 * Stops a run that cannot succeed, and warns of one that would crawl, before the long part of it: called once the census has counted the rows and the
 * split is known, before the scaling, the packing and training ({@link DatasetBuilder#build}'s hook). Two checks,
 * both from figures Spark and the JVM already hold (no job, no file written):
 *
 * <ul>
 *   <li><b>The cache.</b> The sets need rows × (features × the precision's bytes + 4) bytes as cached blocks, and
 *       the packing shuffle writes rows × (features × 8 + 4) bytes to local disk (the raw rows' copy is already on
 *       disk when this runs, so it is counted in the free space). The run stops when the shuffle plus what the
 *       executors' free storage memory cannot hold exceeds the free disk of {@code spark.local.dir}.</li>
 *   <li><b>The driver.</b> Its used heap now (after a collection hint; the census, the split and Spark's own
 *       state are in it) plus, for training, (tasks + 8) copies of the parameters in doubles — parameters,
 *       gradient, optimizer state, the best epoch's copy, and one gradient back per task of a step, where a step
 *       has min(partitions, task slots) tasks ({@link PartitionGroups}) — plus 32 MB for Spark's per-job state. The run stops when that exceeds the heap's maximum.</li>
 * </ul>
 *
 * <p>A training set larger than the executors' free storage memory is not refused (it spills to disk) but
 * warned of: a step reads each partition's cached blocks whole, so spilled partitions are read from disk at every
 * step.
 *
 * <p>What it does not catch: disk is checked where the driver can see it, so only in local mode or when every
 * executor runs on the driver's host (a cluster's other hosts are not asked, and their disks are not checked);
 * other programs filling the disk or the memory meanwhile; a heap too small for one task's blocks on an executor
 * (that still fails as out of memory); the evaluation's and checkpoints' extra copies of the model. The estimates
 * are deliberately plain: a check that fails a run which would have fitted is worse than none.
 */
final class CapacityCheck implements Consumer<DatasetBuilder.Shape> {
    /** What Spark's job bookkeeping and the evaluation keep on the driver besides the data and the model. */
    static final long DRIVER_MARGIN = 32L << 20;
    /** Copies of the parameters the driver holds besides one gradient per partition. */
    static final int MODEL_COPIES = 8;

    private final SparkContext sc;
    private final ToLongBiFunction<Integer, Integer> parameters;
    private final Consumer<String> warnings;

    /**
     * @param parameters the model's parameter count for (features, classes)
     * @param warnings where a run that will fit but slowly is said to (one line)
     */
    CapacityCheck(SparkContext sc, ToLongBiFunction<Integer, Integer> parameters, Consumer<String> warnings) {
        this.sc = sc;
        this.parameters = parameters;
        this.warnings = warnings;
    }

    @Override
    public void accept(DatasetBuilder.Shape shape) {
        long weights = parameters.applyAsLong(shape.features(), shape.classes());
        int tasks = PartitionGroups.groups(shape.partitions(),
                PartitionGroups.shiftFor(shape.partitions(), TaskSlots.of(sc)));
        String driver = driverProblem(usedHeapAfterGc(), Runtime.getRuntime().maxMemory(), tasks, weights);
        if (driver != null) {
            throw new CapacityException(CapacityException.Kind.DRIVER_HEAP, driver);
        }
        long[] storage = storageMemory();
        long disk = sameHost() ? freeLocalDisk(sc.getConf()) : -1;
        String cache = cacheProblem(shape, storage[0], storage[1], disk);
        if (cache != null) {
            throw new CapacityException(CapacityException.Kind.CACHE, cache);
        }
        String slow = spillWarning(shape, storage[0]);
        if (slow != null) {
            warnings.accept(slow);
        }
    }

    /**
     * Null when the driver's heap suffices, else the problem and the remedy, in one line.
     *
     * @param tasks a step's tasks, each of which sends one gradient back
     */
    static String driverProblem(long usedHeap, long maxHeap, int tasks, long parameters) {
        long model = ((long) tasks + MODEL_COPIES) * parameters * Double.BYTES;
        long need = usedHeap + model + DRIVER_MARGIN;
        if (need <= maxHeap) {
            return null;
        }
        return "the driver's heap is too small: it holds " + mb(usedHeap) + " after reading the data and training"
                + " needs about " + mb(model + DRIVER_MARGIN) + " more (" + parameters + " parameters in "
                + (tasks + MODEL_COPIES) + " copies, a gradient per task among them) than its " + mb(maxHeap)
                + " allow; give the driver a larger heap (spark.driver.memory), or a smaller model";
    }

    /**
     * Null when the sets can be cached, in memory or spilled to disk, else the problem and the remedy.
     *
     * @param storageFree the executors' free storage memory
     * @param storageMax the executors' storage memory in all
     * @param diskFree free bytes of spark.local.dir, or −1 when the executors' disks cannot be seen from here
     */
    static String cacheProblem(DatasetBuilder.Shape shape, long storageFree, long storageMax, long diskFree) {
        if (diskFree < 0) {
            return null;
        }
        long cache = shape.cachedRows() * ((long) shape.features() * shape.precision().bytes() + Integer.BYTES);
        long shuffle = shape.cachedRows() * ((long) shape.features() * Double.BYTES + Integer.BYTES);
        long spilled = Math.max(0, cache - storageFree);
        if (shuffle + spilled <= diskFree) {
            return null;
        }
        return String.format(Locale.ROOT, "the data cannot be cached even on disk: %,d rows of %d features take"
                + " about %s as %s blocks and %s of shuffle files while packing, but the executors have %s of storage"
                + " memory free (of %s) and spark.local.dir %s of disk; give the executors more memory"
                + " (spark.executor.memory), spark.local.dir a larger disk, or cache {precision} float32",
                shape.cachedRows(), shape.features(), mb(cache), shape.precision().id(), mb(shuffle),
                mb(storageFree), mb(storageMax), mb(diskFree));
    }

    /**
     * Null when the training set fits in the executors' free storage memory, else a warning: a step reads every
     * partition's cached blocks whole, so a partition spilled to disk is read back from disk at every step.
     */
    static String spillWarning(DatasetBuilder.Shape shape, long storageFree) {
        long train = shape.trainRows() * ((long) shape.features() * shape.precision().bytes() + Integer.BYTES);
        if (train <= storageFree) {
            return null;
        }
        return "warning: the training set takes about " + mb(train) + " as " + shape.precision().id() + " blocks but"
                + " the executors have " + mb(storageFree) + " of storage memory free: the rest spills to disk and is"
                + " read back at every step, which is slow; give the executors more memory (spark.executor.memory)"
                + (shape.precision().bytes() > 4 ? " or cache float32 blocks" : "");
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%,d MB", (bytes + (1 << 20) - 1) >> 20);
    }

    /** The driver's used heap after a collection hint, as {@link DatasetBuilder} measures it after preparation. */
    private static long usedHeapAfterGc() {
        System.gc();
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /**
     * {free, max} storage memory of the block managers that cache blocks: every one in local mode (the driver's
     * is the executor's), the executors' alone on a cluster. Asked of the block manager master, which answers
     * for every block manager registered: the status tracker's executor list is filled by the listener bus and may
     * still be empty just after the context starts (it was, once, in a test: 0 MB free).
     */
    private long[] storageMemory() {
        String driver = sc.isLocal() ? null : SparkEnv.get().blockManager().blockManagerId().hostPort();
        long free = 0;
        long max = 0;
        // Iterated as a Scala map: the Scala 2.12 build has no Java converter for collection.Map.
        Iterator<Tuple2<String, Tuple2<Object, Object>>> it = sc.getExecutorMemoryStatus().iterator();
        while (it.hasNext()) {
            Tuple2<String, Tuple2<Object, Object>> e = it.next();
            if (!e._1().equals(driver)) {
                max += (Long) e._2()._1();
                free += (Long) e._2()._2();
            }
        }
        return new long[] {free, max};
    }

    /** Whether every block manager runs on the driver's host, so that its local disk is theirs. */
    private boolean sameHost() {
        if (sc.isLocal()) {
            return true;
        }
        String host = SparkEnv.get().blockManager().blockManagerId().host();
        for (SparkExecutorInfo e : sc.statusTracker().getExecutorInfos()) {
            if (!e.host().equals(host)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Free bytes of the local directories Spark spills to ({@code spark.local.dir}, else {@code SPARK_LOCAL_DIRS},
     * else java.io.tmpdir), each file system counted once; −1 when none can be asked.
     */
    static long freeLocalDisk(SparkConf conf) {
        String dirs = System.getenv("SPARK_LOCAL_DIRS");
        if (dirs == null) {
            dirs = conf.get("spark.local.dir", System.getProperty("java.io.tmpdir"));
        }
        Set<String> seen = new HashSet<>();
        long free = 0;
        boolean any = false;
        for (String dir : dirs.split(",")) {
            try {
                Path p = Path.of(dir.trim());
                while (p != null && !Files.exists(p)) {
                    p = p.getParent();
                }
                if (p == null) {
                    continue;
                }
                FileStore store = Files.getFileStore(p);
                if (seen.add(store.name() + " " + store.toString())) {
                    free += store.getUsableSpace();
                }
                any = true;
            } catch (IOException | RuntimeException e) {
                // A directory that cannot be asked is not counted.
            }
        }
        return any ? free : -1;
    }
}
