package org.sparkmlp.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sparkmlp.data.CsvReader;
import org.sparkmlp.data.DataSource;
import org.sparkmlp.data.BuildOptions;
import org.sparkmlp.data.CachedSets;
import org.sparkmlp.data.DatasetBuilder;
import org.sparkmlp.data.LabelColumn;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.Blas;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.nn.Scaling;
import org.sparkmlp.testing.SparkTests;

/**
 * The default optimiser is the trainer's plain SGD as it was before optimisers became pluggable, to the bit:
 * {@code src/test/resources/optim/sgd-before-optimizers.txt} holds the parameters (as the hex of their bits) of two
 * runs, written by {@link #main}. The runs use the portable BLAS ({@code Blas.Mode.PORTABLE}), so the bits are the
 * same on any machine; the fixture's header tells how its lines follow from those the trainer of commit 0c53d12
 * wrote in auto mode, which held only where OpenBLAS picked the same kernel. A change to the update's arithmetic,
 * the order of steps or the schedule shows here as a changed bit.
 */
class DefaultSgdUnchangedTest {
    static final String FIXTURE = "/optim/sgd-before-optimizers.txt";
    private static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = SparkTests.start("local[2]");
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    /** The two runs the fixture pins, with the kernel's BLAS in {@code blas}: float64 with inverse-time decay, float32 with cosine. */
    static List<double[]> runs(JavaSparkContext sc, Path dir, Blas.Mode blas) throws IOException {
        List<double[]> out = new ArrayList<>();
        out.add(train(sc, dir, Precision.FLOAT64, 10, 2, LearningRate.inverseTime(0.1, 1e-2), 3, blas));
        out.add(train(sc, dir, Precision.FLOAT32, 16, 3,
                new LearningRate(LearningRate.Schedule.COSINE, 0.3, 0.0, 1), 2, blas));
        return out;
    }

    private static double[] train(JavaSparkContext sc, Path dir, Precision precision, int batch, int epochs,
                                  LearningRate rate, int partitions, Blas.Mode blas) throws IOException {
        Path csv = blobs(dir);
        DataSource source = new DataSource(csv.toString(), DataSource.Format.CSV, LabelColumn.LAST, CsvReader.Header.AUTO);
        CachedSets d = DatasetBuilder.build(sc, source.loadForTraining(sc, partitions, false).data(), null,
                new BuildOptions(partitions, new DatasetBuilder.Split(0.1, 0.1, 21), precision, null, null, Scaling.Kind.STANDARD, "blobs", 0));
        TrainingConfig config = new TrainingConfig(new int[] {8, 5}, Activation.TANH, Loss.CROSS_ENTROPY, batch, epochs,
                rate, 21, 2, precision).withBlas(blas);
        Architecture arch = new Architecture(config.layerSizes(5, 3), Activation.TANH);
        double[] p = new Trainer(sc, config).train(d, arch, arch.glorotUniform(21), TrainingListener.NONE).parameters();
        d.release();
        return p;
    }

    /** 400 rows of 3 blobs in 5 features, the same file every time. */
    private static Path blobs(Path dir) throws IOException {
        Path file = dir.resolve("sgd-blobs.csv");
        SplittableRandom r = new SplittableRandom(5);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            int c = i % 3;
            for (int f = 0; f < 5; f++) {
                b.append(c * (f % 2 == 0 ? 1.0 : -0.5) + r.nextDouble(-1, 1)).append(',');
            }
            b.append(c).append('\n');
        }
        Files.writeString(file, b.toString());
        return file;
    }

    @Test
    void defaultSgdGivesTheBitsOfThePreviousTrainer(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        List<String> expected = readFixture();
        List<double[]> got = runs(sc, dir, Blas.Mode.PORTABLE);
        assertEquals(expected.size(), got.size());
        for (int run = 0; run < got.size(); run++) {
            assertEquals(expected.get(run), hex(got.get(run)), "run " + run + " differs from the fixture");
        }
    }

    private List<String> readFixture() throws IOException {
        try (InputStream in = getClass().getResourceAsStream(FIXTURE)) {
            if (in == null) {
                throw new AssertionError("test resource " + FIXTURE + " is missing");
            }
            List<String> lines = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    lines.add(line.trim());
                }
            }
            return lines;
        }
    }

    /** The parameters' bits, as hex words separated by spaces. */
    static String hex(double[] p) {
        StringBuilder b = new StringBuilder();
        for (double v : p) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(Long.toHexString(Double.doubleToRawLongBits(v)));
        }
        return b.toString();
    }

    /**
     * Writes the fixture's two lines: {@code DefaultSgdUnchangedTest OUT_FILE [auto|portable]}, portable unless
     * told. Run on the trainer it pins; a line written again needs its reason in the fixture's header. With
     * {@code auto} it writes what netlib's own BLAS gives on this machine, to compare with the lines of an earlier
     * trainer written in auto mode.
     */
    public static void main(String[] args) throws IOException {
        Blas.Mode blas = args.length > 1 ? Blas.Mode.fromId(args[1]) : Blas.Mode.PORTABLE;
        Path dir = Files.createTempDirectory("sgd-fixture");
        try (JavaSparkContext context = SparkTests.start("local[2]")) {
            StringBuilder b = new StringBuilder("# Parameters after two runs of DefaultSgdUnchangedTest, as the bits of each double\n"
                    + "# in hex, one run a line; written by its main with --blas " + blas.id() + " ("
                    + Blas.implementation(blas) + ").\n");
            for (double[] p : runs(context, dir, blas)) {
                b.append(hex(p)).append('\n');
            }
            Files.writeString(Path.of(args[0]), b.toString(), StandardCharsets.US_ASCII);
        }
    }
}
