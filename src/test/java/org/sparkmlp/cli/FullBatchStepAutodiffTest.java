package org.sparkmlp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparkmlp.testing.Autodiff;
import org.sparkmlp.testing.Autodiff.Var;

/**
 * One full-batch SGD step of the command line, in float64, against the same step computed by reverse-mode
 * automatic differentiation ({@link Autodiff}), which knows no gradient formula of a layer: the model files are
 * read as the documented JSON (rows of W, b), not through the trainer's parameter layout. Several layer shapes,
 * every activation and both losses; the sums cross 2 or 3 partitions.
 */
class FullBatchStepAutodiffTest {
    private static final int ROWS = 37;
    private static final int FEATURES = 5;
    private static final int CLASSES = 3;
    private static final double LR = 0.7;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Stream<Arguments> networks() {
        return Stream.of(
                Arguments.of("tanh", "cross-entropy", "4", 2),
                Arguments.of("relu", "cross-entropy", "6,4", 2),
                Arguments.of("sigmoid", "cross-entropy", "5", 3),
                Arguments.of("sigmoid", "mse", "5", 2),
                Arguments.of("tanh", "mse", "6,4", 3));
    }

    @ParameterizedTest(name = "{0}, {1}, hidden {2}, {3} partitions")
    @MethodSource("networks")
    void oneFullBatchStepIsTheStepThatAutodiffGives(String activation, String loss, String hidden, int partitions)
            throws IOException {
        String name = activation + "-" + loss + "-" + hidden.replace(',', '_') + "-" + partitions;
        SplittableRandom rnd = new SplittableRandom(name.hashCode());
        double[] x = new double[ROWS * FEATURES];
        int[] labels = new int[ROWS];
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < FEATURES; j++) {
                x[i * FEATURES + j] = rnd.nextDouble(-2, 2);
                csv.append(x[i * FEATURES + j]).append(',');
            }
            labels[i] = i < CLASSES ? i : rnd.nextInt(CLASSES); // every class present
            csv.append(labels[i]).append('\n');
        }
        Path data = dir.resolve(name + ".csv");
        Files.writeString(data, csv);
        String[] common = {"train", "--data", data.toString(), "--val-fraction", "0", "--test-fraction", "0", "--scale", "none",
            "--partitions", Integer.toString(partitions), "--master", "local[2]", "--epochs", "1"};

        // A starting point away from the initial weights: one epoch of online SGD.
        Path init = dir.resolve(name + "-init");
        CliRun first = CliRun.of(concat(common, "--hidden", hidden, "--activation", activation, "--loss", loss,
                "--batch-size", "1", "--out", init.toString()));
        assertEquals(ExitCode.OK, first.code(), first.err());
        Path step = dir.resolve(name + "-step");
        CliRun second = CliRun.of(concat(common, "--init-model", init.resolve("model.json").toString(), "--loss", loss,
                "--batch-size", "1000", "--lr", Double.toString(LR), "--lr-schedule", "constant", "--precision",
                "float64", "--out", step.toString()));
        assertEquals(ExitCode.OK, second.code(), second.err());
        JsonNode summary = JSON.readTree(step.resolve("summary.json").toFile());
        assertEquals(1, summary.get("steps").asInt(), "one step");
        assertEquals(ROWS, summary.get("rows").get("train").asInt(), "every row in the step");

        JsonNode before = JSON.readTree(init.resolve("model.json").toFile());
        JsonNode after = JSON.readTree(step.resolve("model.json").toFile());
        assertEquals(activation, before.get("activation").asText());

        // The step's loss, recorded from the model file's weights as the documented JSON lays them out.
        List<String> classes = new ArrayList<>();
        before.get("classes").forEach(c -> classes.add(c.asText()));
        int[] y = new int[ROWS];
        for (int i = 0; i < ROWS; i++) {
            y[i] = classes.indexOf(Integer.toString(labels[i]));
            assertTrue(y[i] >= 0, "label " + labels[i] + " among " + classes);
        }
        Autodiff ad = new Autodiff();
        Var h = ad.leaf(ROWS, FEATURES, x);
        List<Var> weights = new ArrayList<>();
        List<Var> biases = new ArrayList<>();
        JsonNode layers = before.get("weights");
        for (int l = 0; l < layers.size(); l++) {
            Var w = ad.leaf(layers.get(l).get("W").size(), h.cols, matrix(layers.get(l).get("W")));
            Var b = ad.leaf(1, w.rows, vector(layers.get(l).get("b")));
            weights.add(w);
            biases.add(b);
            Var z = ad.addToEveryRow(ad.matmul(h, ad.transpose(w)), b);
            h = l == layers.size() - 1 ? z : switch (activation) {
                case "tanh" -> ad.tanh(z);
                case "relu" -> ad.relu(z);
                case "sigmoid" -> ad.sigmoid(z);
                default -> throw new IllegalArgumentException(activation);
            };
        }
        Var mean = meanLoss(ad, h, y, loss);
        ad.backward(mean);

        // Ours: the gradient the step applied, (before − after) / rate, against autodiff's, normwise.
        double largestGradient = 0;
        double largestDifference = 0;
        for (int l = 0; l < layers.size(); l++) {
            double[][] pairs = {
                difference(before.get("weights").get(l).get("W"), after.get("weights").get(l).get("W")),
                weights.get(l).grad,
                difference(before.get("weights").get(l).get("b"), after.get("weights").get(l).get("b")),
                biases.get(l).grad,
            };
            for (int k = 0; k < pairs.length; k += 2) {
                assertEquals(pairs[k + 1].length, pairs[k].length, "layer " + l + " shape");
                for (int i = 0; i < pairs[k].length; i++) {
                    largestGradient = Math.max(largestGradient, Math.abs(pairs[k + 1][i]));
                    largestDifference = Math.max(largestDifference, Math.abs(pairs[k][i] - pairs[k + 1][i]));
                }
            }
        }
        assertTrue(largestGradient > 1e-3, "a step that moves the weights: largest gradient " + largestGradient);
        double error = largestDifference / largestGradient;
        assertTrue(error <= 1e-9, String.format(Locale.ROOT, "%s: the step's gradient differs from autodiff's by %.3g"
                + " (normwise, relative)", name, error));
    }

    /** The mean over rows of the loss on softmax(z): cross-entropy −log ŷ_y, or MSE ½ Σ_k (ŷ_k − y_k)². */
    private static Var meanLoss(Autodiff ad, Var z, int[] y, String loss) {
        // Shifting each row by its maximum, a constant, leaves the softmax as it is and keeps exp finite.
        double[] shift = new double[z.value.length];
        for (int i = 0; i < z.rows; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < z.cols; j++) {
                max = Math.max(max, z.at(i, j));
            }
            for (int j = 0; j < z.cols; j++) {
                shift[i * z.cols + j] = max;
            }
        }
        Var e = ad.exp(ad.minusConstant(z, shift));
        Var p = ad.divideRows(e, ad.rowSums(e));
        if (loss.equals("cross-entropy")) {
            return ad.scale(ad.sum(ad.log(ad.pick(p, y))), -1.0 / z.rows);
        }
        double[] oneHot = new double[p.value.length];
        for (int i = 0; i < z.rows; i++) {
            oneHot[i * z.cols + y[i]] = 1;
        }
        return ad.scale(ad.sum(ad.square(ad.minusConstant(p, oneHot))), 0.5 / z.rows);
    }

    private static double[] matrix(JsonNode rows) {
        int cols = rows.get(0).size();
        double[] m = new double[rows.size() * cols];
        for (int i = 0; i < rows.size(); i++) {
            for (int j = 0; j < cols; j++) {
                m[i * cols + j] = rows.get(i).get(j).asDouble();
            }
        }
        return m;
    }

    private static double[] vector(JsonNode values) {
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i).asDouble();
        }
        return v;
    }

    /** (before − after) / LR entry by entry, W's rows in order. */
    private static double[] difference(JsonNode before, JsonNode after) {
        double[] b = before.get(0).isArray() ? matrix(before) : vector(before);
        double[] a = after.get(0).isArray() ? matrix(after) : vector(after);
        double[] d = new double[b.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = (b[i] - a[i]) / LR;
        }
        return d;
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
