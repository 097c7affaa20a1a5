package org.sparkmlp.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;
import org.sparkmlp.data.Block;
import org.sparkmlp.data.DataSource;
import org.sparkmlp.data.DatasetBuilder;
import org.sparkmlp.io.HadoopFiles;
import org.sparkmlp.io.ModelFile;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.Blas;
import org.sparkmlp.nn.Kernel64;
import org.sparkmlp.nn.Kernel;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Network;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.onnx.OnnxExport;
import org.sparkmlp.train.Evaluation;
import org.sparkmlp.train.Evaluator;

/**
 * A trained network, ready to use on raw inputs: it applies the input scaling it was trained with, and names
 * its outputs by the training data's class labels. Made by {@link MlpTrainer#fit} (then with the run's
 * {@link #summary()}) or read from a {@code model.json} ({@link #read}). Immutable.
 */
public final class TrainedModel {
    /** The column {@link #predict} adds with the predicted class label. */
    public static final String PREDICTION = "prediction";
    /** The column {@link #predict} adds with every class's probability, in {@link #classes()}' order. */
    public static final String PROBABILITY = "probability";

    private final Network model;
    private final TrainingSummary summary;
    private final String source;

    TrainedModel(Network model, TrainingSummary summary) {
        this(model, summary, null);
    }

    private TrainedModel(Network model, TrainingSummary summary, String source) {
        this.model = model;
        this.summary = summary;
        this.source = source;
    }

    /** A model as it is: its weights, architecture, scaling and classes (for the command line and tests). */
    public static TrainedModel of(Network model) {
        return new TrainedModel(model, null, null);
    }

    /**
     * Reads a {@code model.json} from any Hadoop file system.
     *
     * @throws org.sparkmlp.io.ModelFormatException when the file is not a valid model (the message names it)
     * @throws IOException when it cannot be read
     */
    public static TrainedModel read(String location) throws IOException {
        return new TrainedModel(ModelFile.read(location), null, location);
    }

    /** Writes {@code model.json} (weights, scaling, classes, provenance) to a temporary name, then renames it. */
    public void write(String location) throws IOException {
        ModelFile.write(model, location, HadoopFiles.configuration());
    }

    /**
     * Writes the model as ONNX ({@code model.onnx}) to any Hadoop file system, atomically where it renames
     * atomically: a float32 graph of the scaling, the layers and the softmax, with input {@code input} [N, d] and
     * outputs {@code probabilities} [N, k] and {@code label} [N], the class names and provenance in its metadata
     * ({@link OnnxExport} describes the graph). Any ONNX runtime then scores as {@link #probabilities} does,
     * within float32's rounding.
     */
    public void writeOnnx(String location) throws IOException {
        OnnxExport.write(model, MlpTrainer.library(), location, HadoopFiles.configuration());
    }

    /** The network and what it needs (scaling, classes, provenance), as {@code model.json} holds them. */
    public Network network() {
        return model;
    }

    /** The class labels: index i of the probabilities is class {@code classes().get(i)}. */
    public List<String> classes() {
        return model.classes();
    }

    /** The number of inputs a row must have. */
    public int inputs() {
        return model.architecture().inputs();
    }

    /** The run that trained it; null for a model read from a file (its provenance holds the run's settings). */
    public TrainingSummary summary() {
        return summary;
    }

    /** Where it was read from, or null. */
    public String source() {
        return source;
    }

    /** The settings, data and library recorded when it was trained. */
    public Map<String, Object> provenance() {
        return model.provenance();
    }

    /**
     * Scores labelled data: loss, accuracy and confusion matrix, in float64 with the given BLAS. Every label must
     * be one of the model's classes.
     *
     * @throws UnlabelledDataException when the rows hold the inputs alone
     */
    public ModelEvaluation evaluate(SparkSession spark, DataSpec data, Blas.Mode blas) {
        return evaluate(spark, data, blas, 0);
    }

    /** As above, reading the rows into {@code partitions} partitions (0: Spark's default parallelism). */
    public ModelEvaluation evaluate(SparkSession spark, DataSpec data, Blas.Mode blas, int partitions) {
        return evaluate(JavaSparkContext.fromSparkContext(spark.sparkContext()), data, blas, partitions);
    }

    /** As above, on a Spark context (a session costs seconds of Spark SQL's start where none is needed). */
    public ModelEvaluation evaluate(JavaSparkContext sc, DataSpec data, Blas.Mode blas, int partitions) {
        DataSource.Loaded loaded = data.loadForModel(sc, inputs(), partitions > 0 ? partitions
                : sc.defaultParallelism());
        if (!loaded.labelled()) {
            throw new UnlabelledDataException("evaluate needs labelled data, but " + data.source().path() + " has "
                    + inputs() + " fields per record: inputs only");
        }
        JavaRDD<Block> blocks = null;
        try {
            blocks = DatasetBuilder.forModel(loaded.data(), model.classes(), model.scaling(), true);
            Evaluation e = Evaluator.evaluate(sc.sc(), blocks.rdd(), model.parameters(),
                    model.architecture().withBlas(blas), model.loss(), Precision.FLOAT64, Precision.FLOAT64);
            return new ModelEvaluation(loaded.description(), e.rows(), e.loss(), e.accuracy(), model.classes(),
                    e.confusion());
        } finally {
            // The rows are kept on disk for the one job that reads them; nothing of them outlives the call.
            loaded.data().unpersist(false);
        }
    }

    /**
     * The class probabilities of every row of {@code data}, in input order and partitioning: one array per packed
     * block of rows, {@code rows × classes().size()} numbers, row by row in {@link #classes()}' order. Rows may be
     * labelled (the label is then checked against the classes) or hold the inputs alone. One job reads the rows
     * now, to check them (their width, their labels) and keeps them on disk for the job that computes the
     * probabilities; nothing is collected to the driver. The caller unpersists what it no longer needs (the
     * returned RDD's parents); the weights' broadcast is left to Spark's cleaner. For a file's rows in their
     * order, with nothing but the rows to go by.
     */
    public JavaRDD<double[]> probabilities(SparkSession spark, DataSpec data, Blas.Mode blas, int partitions) {
        return probabilities(JavaSparkContext.fromSparkContext(spark.sparkContext()), data, blas, partitions);
    }

    /** As above, on a Spark context. */
    public JavaRDD<double[]> probabilities(JavaSparkContext sc, DataSpec data, Blas.Mode blas, int partitions) {
        DataSource.Loaded loaded = data.loadForModel(sc, inputs(), partitions > 0 ? partitions
                : sc.defaultParallelism());
        JavaRDD<Block> blocks = DatasetBuilder.forModel(loaded.data(), model.classes(), model.scaling(),
                loaded.labelled());
        Broadcast<double[]> weights = sc.broadcast(model.parameters());
        Architecture arch = model.architecture().withBlas(blas);
        Loss loss = model.loss();
        int k = model.classes().size();
        return blocks.map(b -> {
            double[] probs = new double[b.rows() * k];
            Kernel64.forThread(arch, loss).predict(weights.value(), b.x(), 0, b.rows(), probs, 0);
            return probs;
        });
    }

    /** The most probable class of row {@code row} in a {@link #probabilities} array of {@code classes} classes. */
    public static int mostProbable(double[] probabilities, int row, int classes) {
        return Kernel.argmax(probabilities, row * classes, classes);
    }

    /** The BLAS mode by its name (auto or portable), as a setting gives it. */
    public static Blas.Mode blas(String id) {
        try {
            return Blas.Mode.fromId(id);
        } catch (IllegalArgumentException e) {
            throw new SettingException("blas", e.getMessage());
        }
    }

    /** {@link #evaluate(SparkSession, DataSpec, Blas.Mode)} with the fastest BLAS. */
    public ModelEvaluation evaluate(SparkSession spark, DataSpec data) {
        return evaluate(spark, data, Blas.Mode.AUTO);
    }

    /**
     * Every row of {@code rows} with two columns added: {@value #PREDICTION}, the most probable class's label, and
     * {@value #PROBABILITY}, every class's probability (an array of doubles in {@link #classes()}' order). Every
     * other column is kept, so predictions join back to whatever identifies a row. Lazy, like any Spark
     * transformation; nothing is collected to the driver.
     *
     * @param featureColumns the inputs: one Spark ML vector column, or {@link #inputs()} numeric columns, in the
     *                       order the model was trained on; none given: the column {@code features} when there is
     *                       one, else every numeric column
     */
    public Dataset<Row> predict(Dataset<Row> rows, String... featureColumns) {
        StructType schema = rows.schema();
        List<String> names = List.of(schema.fieldNames());
        for (String added : new String[] {PREDICTION, PROBABILITY}) {
            if (names.contains(added)) {
                throw new IllegalArgumentException("the rows already have a column '" + added + "'; rename it first");
            }
        }
        List<String> inputs = new ArrayList<>(List.of(featureColumns));
        if (inputs.isEmpty()) {
            if (names.contains("features") && isVector(schema.apply("features"))) {
                inputs.add("features");
            } else {
                for (StructField f : schema.fields()) {
                    if (f.dataType() instanceof NumericType) {
                        inputs.add(f.name());
                    }
                }
            }
        }
        int[] at = new int[inputs.size()];
        boolean vector = false;
        for (int i = 0; i < at.length; i++) {
            String name = inputs.get(i);
            if (!names.contains(name)) {
                throw new IllegalArgumentException("the rows have no column '" + name + "' (columns: "
                        + String.join(", ", names) + ")");
            }
            at[i] = names.indexOf(name);
            StructField field = schema.apply(name);
            if (isVector(field)) {
                if (at.length > 1) {
                    throw new IllegalArgumentException("vector column '" + name + "' must be the only input column");
                }
                vector = true;
            } else if (!(field.dataType() instanceof NumericType)) {
                throw new IllegalArgumentException("input column '" + name + "' holds "
                        + field.dataType().simpleString() + ", not numbers");
            }
        }
        if (!vector && at.length != inputs()) {
            throw new IllegalArgumentException("the model takes " + inputs() + " inputs, but " + at.length
                    + " numeric column(s) were chosen: " + String.join(", ", inputs));
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(rows.sparkSession().sparkContext());
        // Broadcast, not captured: a wide network's weights would otherwise ride in every task.
        Broadcast<double[]> weights = sc.broadcast(model.parameters());
        RowPredictor predictor = new RowPredictor(weights, model.architecture(), model.loss(), model.scaling(),
                model.classes(), at, vector);
        StructType out = schema.add(PREDICTION, DataTypes.StringType, false)
                .add(PROBABILITY, DataTypes.createArrayType(DataTypes.DoubleType, false), false);
        return rows.sparkSession().createDataFrame(rows.javaRDD().mapPartitions(predictor::apply), out);
    }

    private static boolean isVector(StructField field) {
        return field.dataType() instanceof UserDefinedType<?> udt
                && udt.userClass().getName().startsWith("org.apache.spark.ml.linalg.");
    }

    /** The architecture with {@code blas} for its kernels. */
    Architecture architecture(Blas.Mode blas) {
        return model.architecture().withBlas(blas);
    }

    @Override
    public String toString() {
        return "TrainedModel(" + model.architecture() + ", " + model.classes().size() + " classes"
                + (source == null ? "" : ", from " + source) + ")";
    }
}
