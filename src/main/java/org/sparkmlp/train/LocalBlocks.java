package org.sparkmlp.train;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.Dependency;
import org.apache.spark.Partition;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.sparkmlp.data.Block;
import scala.collection.Iterator;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;

/**
 * Local mode's view of the cached training blocks: an RDD with no lineage whose tasks read the driver's own
 * cached RDD, found by a number that the task carries, as {@link ShippedWeights.Shared} does for the weights.
 *
 * <p>Every job's task binary serialises its RDD and that RDD's dependencies up to the nearest shuffle. For the
 * cached blocks that is the packing shuffle's dependency, with its partitioner and serializer: some 5.6 KB of
 * mostly class descriptors, written per job and read per task, and a lineage the DAG scheduler walks per job
 * (BENCHMARKS.md, "What the floor's job is made of"). In local mode the executor is the driver's JVM, so a task
 * can call the cached RDD's own {@code iterator}: a cached block is read from the block manager as before, and a
 * lost one is recomputed from the lineage and cached again, as Spark would. On a cluster the steps run on the
 * cached RDD itself.
 */
final class LocalBlocks extends RDD<Block> {
    private static final long serialVersionUID = 1L;
    /** The cached RDDs of live views. Weak: a view that is gone lets its RDD go too. */
    private static final ConcurrentHashMap<Long, WeakReference<RDD<Block>>> LIVE = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT = new AtomicLong();
    private static final Seq<Dependency<?>> NO_DEPENDENCIES =
            CollectionConverters.asScala(List.<Dependency<?>>of()).toList();

    private final long id;
    /** Keeps the cached RDD reachable for as long as the driver holds this view. */
    private final transient RDD<Block> cached;

    LocalBlocks(RDD<Block> cached) {
        super(cached.context(), NO_DEPENDENCIES, ClassTag$.MODULE$.apply(Block.class));
        if (!cached.context().isLocal()) {
            throw new IllegalArgumentException("the driver's cached RDD can be shared with tasks in local mode only");
        }
        this.id = NEXT.incrementAndGet();
        this.cached = cached;
        LIVE.values().removeIf(ref -> ref.get() == null);
        LIVE.put(id, new WeakReference<>(cached));
        setName((cached.name() == null ? "cached blocks" : cached.name()) + " (read in place)");
    }

    @Override
    public Iterator<Block> compute(Partition split, TaskContext context) {
        WeakReference<RDD<Block>> ref = LIVE.get(id);
        RDD<Block> rdd = ref == null ? null : ref.get();
        if (rdd == null) {
            // Only a task that outlived its engine can get here.
            throw new IllegalStateException("the cached training blocks #" + id + " are no longer held by the driver");
        }
        return rdd.iterator(rdd.partitions()[split.index()], context);
    }

    @Override
    public Partition[] getPartitions() {
        Partition[] parents = cached.partitions();
        Partition[] own = new Partition[parents.length];
        for (int p = 0; p < own.length; p++) {
            own[p] = new Index(p);
        }
        return own;
    }

    /** A partition of the view: the number of the cached RDD's partition that it reads. */
    private record Index(int index) implements Partition {
    }

    /** Views still registered (for tests). */
    static int live() {
        return LIVE.size();
    }
}
