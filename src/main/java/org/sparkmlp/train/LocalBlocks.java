package org.sparkmlp.train;

import java.util.List;
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
 * cached RDD, found by a number that the task carries ({@link InProcess}).
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
        this.cached = cached;
        // Weakly: the view keeps its RDD, and a view that is gone lets its RDD go too.
        this.id = InProcess.holdWeakly(cached);
        setName((cached.name() == null ? "cached blocks" : cached.name()) + " (read in place)");
    }

    @Override
    public Iterator<Block> compute(Partition split, TaskContext context) {
        @SuppressWarnings("unchecked")
        RDD<Block> rdd = (RDD<Block>) InProcess.get(id, "the cached training blocks");
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
}
