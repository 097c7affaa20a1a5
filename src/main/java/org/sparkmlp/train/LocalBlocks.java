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
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Local mode's view of the cached training blocks, whose tasks carry no lineage: they read the driver's own
 * cached RDD, found by a number that the task carries ({@link InProcess}).
 *
 * <p>Every job's task binary serialises its RDD and that RDD's dependencies up to the nearest shuffle. For the
 * cached blocks that is the packing shuffle's dependency, with its partitioner and serializer: some 5.6 KB of
 * mostly class descriptors, written per job and read per task (BENCHMARKS.md, "What the floor's job is made of").
 * In local mode the executor is the driver's JVM, so a task can call the cached RDD's own {@code iterator}: a
 * cached block is read from the block manager as before, and a lost one is recomputed and cached again.
 *
 * <p>On the driver this view depends one-to-one on the cached RDD, so the scheduler knows the whole lineage: if
 * the packing shuffle's files are lost too, a task's fetch failure makes it rerun the shuffle's map stage, as it
 * would for the cached RDD itself. Only what a task receives differs: serialised, the view is replaced by its
 * {@link Reader}, which has no dependencies. On a cluster the steps run on the cached RDD itself
 * ({@link StepBackend}).
 */
final class LocalBlocks extends RDD<Block> {
    private static final long serialVersionUID = 1L;
    private static final ClassTag<Block> BLOCK = ClassTag$.MODULE$.apply(Block.class);

    /** What every task binary holds in place of this view; made once, on the driver. */
    private final transient Reader reader;

    LocalBlocks(RDD<Block> cached) {
        super(cached, BLOCK);
        if (!cached.context().isLocal()) {
            throw new IllegalArgumentException("the driver's cached RDD can be shared with tasks in local mode only");
        }
        // Weakly: the view keeps its RDD (as its dependency), and a view that is gone lets its RDD go too.
        this.reader = new Reader(cached, InProcess.holdWeakly(cached));
        setName((cached.name() == null ? "cached blocks" : cached.name()) + " (read in place)");
    }

    @Override
    public Iterator<Block> compute(Partition split, TaskContext context) {
        // Tasks run the Reader; this runs only if the driver itself computes the view.
        return firstParent(BLOCK).iterator(split, context);
    }

    @Override
    public Partition[] getPartitions() {
        return firstParent(BLOCK).partitions();
    }

    /** Lets tasks no longer find the cached RDD: the view's jobs are over (its engine is closed). */
    void close() {
        InProcess.release(reader.id);
    }

    /** Java serialisation (the task binary) writes the reader instead of this view and its lineage. */
    private Object writeReplace() {
        return reader;
    }

    /** The view as a task receives it: no dependencies, and the number of the driver's cached RDD. */
    static final class Reader extends RDD<Block> {
        private static final long serialVersionUID = 1L;
        private static final Seq<Dependency<?>> NONE = CollectionConverters.asScala(List.<Dependency<?>>of()).toList();
        private final long id;

        private Reader(RDD<Block> cached, long id) {
            super(cached.context(), NONE, BLOCK);
            this.id = id;
        }

        @Override
        public Iterator<Block> compute(Partition split, TaskContext context) {
            @SuppressWarnings("unchecked")
            RDD<Block> rdd = (RDD<Block>) InProcess.get(id, "the cached training blocks");
            return rdd.iterator(split, context);
        }

        @Override
        public Partition[] getPartitions() {
            throw new UnsupportedOperationException("a task's reader gets its partition from the task");
        }
    }
}
