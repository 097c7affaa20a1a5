package org.sparkmlp.train;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.RDD;
import scala.Function2;
import scala.collection.Iterator;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * How spark-mlp submits its per-step jobs: straight through {@code SparkContext.runJob} with named function
 * classes. Spark's Java RDD API wraps every function in a Scala lambda that the closure cleaner must find and
 * scan in its class file with ASM for every job — measured at about half the driver's time per step; a named
 * class is recognised as no closure at once. The call site is given, so Spark does not walk the stack per job.
 */
final class Jobs {
    private Jobs() {
    }

    /** Receives partition p's result on the driver, as each task finishes. */
    @FunctionalInterface
    interface ResultHandler<U> {
        void accept(int partition, U result);
    }

    /** Runs {@code task} on the given partitions of {@code rdd} as one job, labelled in Spark's UI. */
    static <T, U> void run(SparkContext sc, RDD<T> rdd, Function2<TaskContext, Iterator<T>, U> task,
                           List<Integer> partitions, Class<U> type, String label, ResultHandler<U> handler) {
        ClassTag<U> tag = ClassTag$.MODULE$.apply(type);
        List<Object> ids = new ArrayList<>(partitions);
        Seq<Object> seq = CollectionConverters.asScala(ids).toList();
        sc.setLocalProperty("callSite.short", label);
        sc.setLocalProperty("callSite.long", label);
        try {
            sc.runJob(rdd, task, seq, new Handler<>(partitions, handler), tag);
        } finally {
            // Later jobs and RDDs of this thread get their own call sites again.
            sc.setLocalProperty("callSite.short", null);
            sc.setLocalProperty("callSite.long", null);
        }
    }

    /** Partitions 0 … n−1. */
    static List<Integer> all(int n) {
        List<Integer> list = new ArrayList<>(n);
        for (int p = 0; p < n; p++) {
            list.add(p);
        }
        return list;
    }

    /**
     * runJob's result handler, as a named class. Spark calls it with the position of the partition in the
     * job's list, not its number: this maps one to the other.
     */
    private static final class Handler<U> extends AbstractFunction2<Object, U, BoxedUnit> {
        private final List<Integer> partitions;
        private final ResultHandler<U> handler;

        Handler(List<Integer> partitions, ResultHandler<U> handler) {
            this.partitions = partitions;
            this.handler = handler;
        }

        @Override
        public BoxedUnit apply(Object position, U result) {
            handler.accept(partitions.get((Integer) position), result);
            return BoxedUnit.UNIT;
        }
    }
}
