package org.sparkmlp.train;

import java.io.Serializable;
import org.apache.spark.TaskContext;
import org.sparkmlp.data.PartitionGroups;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction2;

/**
 * The gradient of a group of partitions, returned as one task result: each member's share summed alone, into a
 * sum of this thread's pool, and combined in the tree's order, giving back to the pool every sum a merge absorbs.
 * An aligned group is a subtree of {@link PartitionSums}'s tree, so the result is one node of it: one gradient
 * in size, the bits of a task per partition.
 */
final class GroupGradient extends AbstractFunction2<TaskContext, Iterator<PartitionGroups.Member>, PartitionSums>
        implements Serializable {
    private static final long serialVersionUID = 1L;
    private final GradientTask task;
    private final int partitions;

    GroupGradient(GradientTask task, int partitions) {
        this.task = task;
        this.partitions = partitions;
    }

    @Override
    public PartitionSums apply(TaskContext context, Iterator<PartitionGroups.Member> members) {
        GradientTask.SumPool pool = GradientTask.SumPool.forTask();
        PartitionSums sums = new PartitionSums(partitions, pool::give);
        while (members.hasNext()) {
            PartitionGroups.Member m = members.next();
            sums.add(m.partition(), task.gradient(m, pool.take()));
        }
        return sums;
    }
}
