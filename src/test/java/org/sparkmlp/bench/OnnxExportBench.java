package org.sparkmlp.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Network;
import org.sparkmlp.nn.Scaling;
import org.sparkmlp.onnx.OnnxExport;

/**
 * The export time of a 784-1024-1024-10 network (1.86 M parameters, a 7.5 MB ONNX file) against the target of
 * 2 s: the first export in a fresh JVM (written to a local file, atomically, forced to disk), then the graph
 * built in memory and the whole export to the file, each the median of 7 runs after 3 warm-up runs. Prints the figures; exits 1 over the target.
 * Run: {@code java -cp target/test-classes:target/classes:$(cat target/classpath.txt) org.sparkmlp.bench.OnnxExportBench [DIR]}.
 */
public final class OnnxExportBench {
    private static final double TARGET_SECONDS = 2.0;

    private OnnxExportBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("onnx-bench");
        Architecture arch = new Architecture(new int[] {784, 1024, 1024, 10}, Activation.TANH);
        Network network = new Network(arch, Loss.CROSS_ENTROPY, arch.glorotUniform(42), Scaling.pixel(784),
                IntStream.range(0, 10).mapToObj(Integer::toString).toList(), Map.of("bench", "onnx-export"));
        String target = dir.resolve("model.onnx").toString();
        Configuration conf = new Configuration();
        long start = System.nanoTime();
        OnnxExport.write(network, "bench", target, conf);
        double cold = (System.nanoTime() - start) / 1e9;
        double inMemory = median(() -> OnnxExport.toBytes(network, "bench"));
        double toFile = median(() -> OnnxExport.write(network, "bench", target, conf));
        System.out.printf("ONNX export of %s, %,d parameters, %,d bytes: first export in a fresh JVM %.3f s;"
                + " then in memory %.3f s, to a file %.3f s (medians of 7); target %.1f s%n", arch,
                arch.parameterCount(), Files.size(Path.of(target)), cold, inMemory, toFile, TARGET_SECONDS);
        if (Math.max(cold, toFile) > TARGET_SECONDS) {
            System.exit(1);
        }
    }

    private interface Run {
        void run() throws Exception;
    }

    private static double median(Run run) throws Exception {
        for (int i = 0; i < 3; i++) {
            run.run();
        }
        double[] seconds = new double[7];
        for (int i = 0; i < seconds.length; i++) {
            long start = System.nanoTime();
            run.run();
            seconds[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(seconds);
        return seconds[seconds.length / 2];
    }
}
