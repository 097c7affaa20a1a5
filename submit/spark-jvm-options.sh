# The JVM options Spark's own launcher passes on Java 17 (org.apache.spark.launcher.JavaModuleOptions); a plain
# `java -cp` needs them too, and so does a driver JVM that a cluster starts (cluster deploy mode). Sourced by
# submit/local.sh, submit/benchmark.sh, submit/cluster.sh and submit/standalone.sh; pom.xml repeats the list for
# surefire.
spark_jvm_opts=(
  -XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true
)

# The trainer's JVM settings on one machine: submit/local.sh starts it with them, and submit/benchmark.sh runs
# StepBench with them so its floors are the trainer's (BENCHMARKS.md has the paired measurements).
# -XX:TieredStopAtLevel=1 (C1 only): on a machine of a few cores, C2's compiler threads keep competing with
# Spark's tasks for thousands of jobs while Spark's scheduler paths are recompiled; the same bits came out in
# 0.53-0.6 x the CPU on 2 cores. -XX:CompileThresholdScaling=0.2 compiles a method after a fifth of the usual
# calls: Spark's per-job code runs once a step, and the fast preset's epochs took 0.7-0.9 x the time.
# -XX:G1HeapRegionSize=16m: with 3 GB, G1's regions are 1 MB and any array over 512 KB is "humongous" - each
# step's 636 KB partial sums and Spark's 4 MB serialisation chunks - and most young collections were started
# by one; with 16 MB regions they are ordinary young objects: GC time 0.6 x, batch-128 runs 0.97 x the wall time.
spark_mlp_jvm_opts=(-Xmx3g -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=0.2 -XX:G1HeapRegionSize=16m)
# The same JIT and GC settings without the heap, for JVMs whose heap Spark sets (--driver-memory,
# --executor-memory): submit/cluster.sh gives them to the driver and the executors.
spark_mlp_jit_gc_opts=("${spark_mlp_jvm_opts[@]:1}")
