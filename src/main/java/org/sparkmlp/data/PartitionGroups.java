package org.sparkmlp.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.Dependency;
import org.apache.spark.NarrowDependency;
import org.apache.spark.Partition;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.rdd.UnionRDD;
import scala.collection.AbstractIterator;
import scala.collection.Iterator;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;

/**
 * Cached partitions of blocks in groups of 2^shift consecutive ones — subtrees of the step's fixed summation
 * tree ({@code train.PartitionSums}) — with one RDD partition, so one task, per group. A step's task reads its
 * group's partitions one after another, each as a {@link Member} of its own, so the gradient of every
 * partition's share is still summed alone and combined in the tree's order: the same bits whatever the grouping.
 *
 * <p>Each group depends narrowly on its partitions: Spark places the task where the first of them is cached and
 * recomputes a lost one from its lineage, as for the partitions themselves. So that the others are cached there
 * too, a set is first cached through the same groups ({@link #cache}): each group's task computes and caches all
 * its members on one executor, and a step's task then reads them without fetching a block from another.
 */
public final class PartitionGroups extends RDD<PartitionGroups.Member> {
    private static final long serialVersionUID = 1L;
    private static final ClassTag<Member> MEMBER = ClassTag$.MODULE$.apply(Member.class);
    private static final ClassTag<Block> BLOCK = ClassTag$.MODULE$.apply(Block.class);

    private final int shift;

    public PartitionGroups(RDD<Block> partitions, int shift) {
        super(partitions.context(), dependencyOn(partitions, shift), MEMBER);
        this.shift = shift;
    }

    /** Groups of 2^shift consecutive partitions over P partitions. */
    public static int groups(int partitions, int shift) {
        return (int) (((long) partitions + (1L << shift) - 1) >> shift);
    }

    /**
     * The smallest shift whose groups are no more than {@code slots}: with P ≤ slots, 0 (a task per partition);
     * else each of at most {@code slots} tasks reads an aligned run of 2^shift partitions. Aligned runs keep a
     * task's sum one node of the tree, so a result stays one gradient in size; the price is that the last group
     * may be shorter than the others when P is not a power-of-two multiple of the slots.
     */
    public static int shiftFor(int partitions, int slots) {
        int shift = 0;
        while (groups(partitions, shift) > Math.max(1, slots)) {
            shift++;
        }
        return shift;
    }

    /**
     * Caches {@code sets} (each already marked for persistence, all of one partition count) in one job, by
     * computing them through groups of 2^shift partitions, one task per group, so that each group's partitions
     * are cached on the one executor that ran its task (rather than wherever the scheduler put each partition's
     * task); returns the number of blocks. The contents do not depend on which task computes them.
     */
    public static long cache(List<RDD<Block>> sets, int shift) {
        List<RDD<Member>> groups = new ArrayList<>();
        for (RDD<Block> set : sets) {
            groups.add(new PartitionGroups(set, shift));
        }
        SparkContext sc = sets.get(0).context();
        RDD<Member> all = groups.size() == 1 ? groups.get(0)
                : new UnionRDD<>(sc, CollectionConverters.asScala(groups).toList(), MEMBER);
        Object counts = sc.runJob(all, new CountBlocks(), ClassTag$.MODULE$.apply(Long.class));
        long total = 0;
        for (Long c : (Long[]) counts) {
            total += c;
        }
        return total;
    }

    /** {@link #cache(List, int)} for one set. */
    public static long cache(RDD<Block> blocks, int shift) {
        return cache(List.of(blocks), shift);
    }

    /** Reads every member's blocks (caching them here), counting the blocks. */
    private static final class CountBlocks
            extends AbstractFunction2<TaskContext, Iterator<Member>, Long> implements Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Long apply(TaskContext context, Iterator<Member> members) {
            long blocks = 0;
            while (members.hasNext()) {
                Iterator<Block> it = members.next().blocks(true);
                while (it.hasNext()) {
                    it.next();
                    blocks++;
                }
            }
            return blocks;
        }
    }

    /**
     * One cached partition of a group, as its task reads it. Lives only inside the task. Its blocks are read from
     * the cache (or recomputed) only when {@link #blocks} opens them: a member with no rows in a step is never
     * opened, so its block is neither locked nor recomputed.
     */
    public static final class Member {
        private final RDD<Block> parent;
        private final Partition split;
        private final TaskContext context;

        Member(RDD<Block> parent, Partition split, TaskContext context) {
            this.parent = parent;
            this.split = split;
            this.context = context;
        }

        /** The number of the cached partition. */
        public int partition() {
            return split.index();
        }

        /** The partition's blocks, opened now; none (nothing opened) unless {@code open}. */
        public Iterator<Block> blocks(boolean open) {
            if (!open) {
                return CollectionConverters.asScala(Collections.<Block>emptyIterator());
            }
            return parent.iterator(split, context);
        }
    }

    @Override
    public Iterator<Member> compute(Partition split, TaskContext context) {
        Partition[] members = ((Group) split).members;
        RDD<Block> parent = firstParent(BLOCK);
        return new AbstractIterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < members.length;
            }

            @Override
            public Member next() {
                return new Member(parent, members[next++], context);
            }
        };
    }

    @Override
    public Partition[] getPartitions() {
        Partition[] parents = firstParent(BLOCK).partitions();
        Partition[] groups = new Partition[groups(parents.length, shift)];
        for (int g = 0; g < groups.length; g++) {
            int from = g << shift;
            int to = Math.min(parents.length, from + (1 << shift));
            Partition[] members = new Partition[to - from];
            System.arraycopy(parents, from, members, 0, members.length);
            groups[g] = new Group(g, members);
        }
        return groups;
    }

    private static Seq<Dependency<?>> dependencyOn(RDD<Block> partitions, int shift) {
        List<Dependency<?>> deps = List.of(new Members(partitions, shift));
        return CollectionConverters.asScala(deps).toList();
    }

    /**
     * A group: its number and its members' partitions, which travel with the task (as Spark's CoalescedRDD
     * does) so that an executor never asks the parent for its partitions.
     */
    private static final class Group implements Partition {
        private static final long serialVersionUID = 1L;
        private final int index;
        private final Partition[] members;

        Group(int index, Partition[] members) {
            this.index = index;
            this.members = members;
        }

        @Override
        public int index() {
            return index;
        }

        @Override
        public int hashCode() {
            return index;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Group g && g.index == index;
        }
    }

    /** Group g depends on partitions [g·2^shift, min(P, (g+1)·2^shift)). */
    private static final class Members extends NarrowDependency<Block> {
        private static final long serialVersionUID = 1L;
        private final int shift;
        private final int partitions;

        Members(RDD<Block> rdd, int shift) {
            super(rdd);
            this.shift = shift;
            this.partitions = rdd.getNumPartitions();
        }

        @Override
        public Seq<Object> getParents(int group) {
            List<Object> parents = new ArrayList<>(1 << shift);
            for (int p = group << shift; p < Math.min(partitions, (group + 1) << shift); p++) {
                parents.add(p);
            }
            return CollectionConverters.asScala(parents).toList();
        }
    }
}
