package org.sparkmlp.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;

/**
 * Where a step's time goes, from Spark's own task metrics (the figures of its UI and event log) and the
 * engine's clock: a listener for the stages of the engine's step jobs, keeping the last {@link #KEPT} steps and
 * tasks in fixed arrays, so that it allocates nothing per step and logs nothing. {@link #medians} gives, per step
 * and per task, the medians a user on a real cluster needs to see whether the job, the task launch, the fetch of
 * the task (deserialisation's wall time against its CPU time), the kernel or the result dominates.
 *
 * <p>Per task, as Spark's UI defines them: {@code scheduler_delay} is the task's time on the driver and the
 * network (launch to finish, less what the executor reports: deserialisation, run, result serialisation, and
 * the driver's fetch of a large result); {@code launch_delay} is from the stage's submission to the task's
 * launch. Per step: {@code job} is the engine's wall time for the step's job, and {@code driver_merge} the part
 * of it the driver spent adding the tasks' sums into the tree. Spark delivers task events on its listener
 * thread, a little after the job; a step that has not been heard of yet is simply not counted.
 */
final class StepBreakdown extends SparkListener {
    /** Steps and tasks whose figures are kept: the medians are over the last this many. */
    static final int KEPT = 512;
    /** What {@link Jobs#run} names a step job's stages (Spark's call site). */
    private static final String STAGE = "step";

    private final Ring job = new Ring();
    private final Ring merge = new Ring();
    private final Ring tasksPerStep = new Ring();
    private final Ring taskMs = new Ring();
    private final Ring launchDelay = new Ring();
    private final Ring schedulerDelay = new Ring();
    private final Ring deserialize = new Ring();
    private final Ring deserializeCpu = new Ring();
    private final Ring run = new Ring();
    private final Ring runCpu = new Ring();
    private final Ring resultSerialize = new Ring();
    private final Ring gettingResult = new Ring();
    private final Ring resultKb = new Ring();
    private final Ring gc = new Ring();
    /** Step stages by id (ids grow; a few are enough), with their submission times. */
    private final long[] stageIds = new long[64];
    private final long[] stageSubmitted = new long[64];

    /** On the engine's thread, after each gradient step: its job's wall time and the driver's merging time. */
    synchronized void stepEnded(long jobNanos, long mergeNanos, int tasks) {
        job.add(jobNanos / 1e6);
        merge.add(mergeNanos / 1e6);
        tasksPerStep.add(tasks);
    }

    @Override
    public synchronized void onStageSubmitted(SparkListenerStageSubmitted submitted) {
        if (STAGE.equals(submitted.stageInfo().name())) {
            int slot = submitted.stageInfo().stageId() & (stageIds.length - 1);
            stageIds[slot] = submitted.stageInfo().stageId() + 1L;
            stageSubmitted[slot] = submitted.stageInfo().submissionTime().isDefined()
                    ? (Long) submitted.stageInfo().submissionTime().get() : -1;
        }
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        int slot = end.stageId() & (stageIds.length - 1);
        if (stageIds[slot] != end.stageId() + 1L || end.taskMetrics() == null) {
            return;
        }
        TaskInfo info = end.taskInfo();
        TaskMetrics m = end.taskMetrics();
        double duration = info.finishTime() - info.launchTime();
        double fetching = info.gettingResultTime() > 0 ? info.finishTime() - info.gettingResultTime() : 0;
        taskMs.add(duration);
        if (stageSubmitted[slot] >= 0) {
            launchDelay.add(info.launchTime() - stageSubmitted[slot]);
        }
        schedulerDelay.add(Math.max(0, duration - m.executorDeserializeTime() - m.executorRunTime()
                - m.resultSerializationTime() - fetching));
        deserialize.add(m.executorDeserializeTime());
        deserializeCpu.add(m.executorDeserializeCpuTime() / 1e6);
        run.add(m.executorRunTime());
        runCpu.add(m.executorCpuTime() / 1e6);
        resultSerialize.add(m.resultSerializationTime());
        gettingResult.add(fetching);
        resultKb.add(m.resultSize() / 1024.0);
        gc.add(m.jvmGCTime());
    }

    /**
     * The medians over the steps and tasks kept, in milliseconds (sizes in KiB), in a fixed key order for
     * {@code summary.json}; empty before the first step.
     */
    synchronized Map<String, Double> medians() {
        Map<String, Double> out = new LinkedHashMap<>();
        if (job.size() == 0) {
            return out;
        }
        out.put("steps_measured", (double) job.size());
        put(out, "tasks_per_step", tasksPerStep);
        put(out, "job_ms", job);
        put(out, "driver_merge_ms", merge);
        put(out, "task_ms", taskMs);
        put(out, "launch_delay_ms", launchDelay);
        put(out, "scheduler_delay_ms", schedulerDelay);
        put(out, "deserialize_ms", deserialize);
        put(out, "deserialize_cpu_ms", deserializeCpu);
        put(out, "run_ms", run);
        put(out, "run_cpu_ms", runCpu);
        put(out, "result_serialize_ms", resultSerialize);
        put(out, "getting_result_ms", gettingResult);
        put(out, "result_kib", resultKb);
        put(out, "gc_ms", gc);
        return out;
    }

    private static void put(Map<String, Double> out, String key, Ring ring) {
        if (ring.size() > 0) {
            out.put(key, Math.round(ring.median() * 1000) / 1000.0);
        }
    }

    /** The last {@link #KEPT} values of one figure. */
    private static final class Ring {
        private final double[] values = new double[KEPT];
        private long count;

        void add(double v) {
            values[(int) (count++ % KEPT)] = v;
        }

        int size() {
            return (int) Math.min(count, KEPT);
        }

        /** Of at least one value. */
        double median() {
            int n = size();
            double[] sorted = Arrays.copyOf(values, n);
            Arrays.sort(sorted);
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }
    }
}
