package org.sparkmlp.ml;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWriter$;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkmlp.api.TrainedModel;
import org.sparkmlp.io.AtomicFiles;
import org.sparkmlp.io.HadoopFiles;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.Kernel64;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Network;
import org.sparkmlp.nn.Scaling;
import scala.Option;
import scala.Tuple3;

/**
 * What {@link MlpClassifier} fits: the trained network as a Spark ML model, adding {@code rawPrediction},
 * {@code probability} and {@code prediction} columns as MLlib's classifiers do.
 *
 * <p><b>{@code rawPrediction} holds the class probabilities</b>, and {@code raw2probability} returns them as
 * they are. MLlib's MLPC puts the last layer's logits there, which differ from our log-probabilities by a
 * constant per row; we keep the probabilities themselves so that the {@code probability} column is what the
 * network (and the command line's {@code predict} on the same {@code model.json}) computes, with no exp(log p)
 * round trip. Every ordering a raw column serves (the prediction, {@code thresholds}, a binary
 * evaluator's ranking: p₁ grows with z₁ − z₀ under softmax) is the same as with logits. Random forests make
 * the same choice.
 *
 * <p>Classes: the probability vector has {@link #numClasses()} entries, one per class index; a class that had no
 * training rows (with {@code layers} or metadata naming more classes than the labels hold) has probability 0.
 *
 * <p>{@link #transform} scores the rows a block at a time ({@link BlockScorer}); {@link #predictRaw} scores one
 * row alone. Both use the float64 forward pass of a per-thread kernel, after the network's input scaling on a
 * copy of the features.
 */
public class MlpClassificationModel extends ProbabilisticClassificationModel<Vector, MlpClassificationModel>
        implements MLWritable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MlpClassificationModel.class);
    /** Under a saved model's path: the training API's model file, which the command line reads too. */
    public static final String MODEL_FILE = "model.json";
    /** Under a saved model's path: the number of classes, as text (the network knows only those it saw). */
    public static final String CLASSES_FILE = "numClasses";

    private String uid;
    /** The API's model; not shipped to executors (the fields below are what scoring needs). */
    private transient TrainedModel trained;
    private Architecture architecture;
    private Loss loss;
    private Scaling scaling;
    private double[] parameters;
    /** The class index of each of the network's outputs. */
    private int[] classIndex;
    private int numClasses;

    /**
     * A model without a network, for Spark Connect, which makes every registered transformer by its public
     * no-argument constructor; it cannot score or be saved (saying so): {@link #load} reads a usable one.
     */
    public MlpClassificationModel() {
        this(Identifiable$.MODULE$.randomUID("mlpClassifier"));
    }

    /** A model without a network, with this uid (the constructor Spark Connect and Spark's readers expect). */
    public MlpClassificationModel(String uid) {
        this(PendingUid.hold(uid), null, 0);
    }

    /**
     * The model of {@code trained} for class indices 0 … {@code numClasses} − 1; the network's classes must be
     * class indices ("0", "3", …) below it.
     */
    public MlpClassificationModel(String uid, TrainedModel trained, int numClasses) {
        this(PendingUid.hold(uid), requireModel(trained), numClasses);
    }

    private static TrainedModel requireModel(TrainedModel trained) {
        if (trained == null) {
            throw new IllegalArgumentException("a model needs a trained network");
        }
        return trained;
    }

    private MlpClassificationModel(PendingUid.Token token, TrainedModel trained, int numClasses) {
        super();
        this.uid = token.take();
        this.trained = trained;
        this.numClasses = numClasses;
        if (trained == null) {
            return;
        }
        Network network = trained.network();
        this.architecture = network.architecture();
        this.loss = network.loss();
        this.scaling = network.scaling();
        this.parameters = network.parameters();
        List<String> classes = trained.classes();
        this.classIndex = new int[classes.size()];
        for (int j = 0; j < classIndex.length; j++) {
            long c;
            try {
                c = Long.parseLong(classes.get(j));
            } catch (NumberFormatException e) {
                c = -1;
            }
            if (c < 0 || c >= numClasses) {
                throw new IllegalArgumentException("the network's class '" + classes.get(j) + "' is not a class"
                        + " index below " + numClasses + " (classes " + classes + ")");
            }
            classIndex[j] = (int) c;
        }
    }

    /**
     * A model the command line (or {@code TrainedModel.write}) wrote as {@code model.json}, on any Hadoop file
     * system, for the classes 0 … k−1, k the largest class + 1: its classes must be class indices ("0", "1",
     * …, as numeric labels give them), since a Spark ML model predicts a class index.
     *
     * @throws IllegalArgumentException naming the file and its classes when one is not a class index
     * @throws UncheckedIOException when the file cannot be read or is not a model file
     */
    public static MlpClassificationModel fromModelFile(String path) {
        TrainedModel trained;
        try {
            trained = TrainedModel.read(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model file " + path + ": " + e.getMessage(), e);
        }
        long largest = -1;
        for (String c : trained.classes()) {
            long index;
            try {
                index = Long.parseLong(c);
            } catch (NumberFormatException e) {
                index = -1;
            }
            if (index < 0 || index >= MlpClassifier.MAX_CLASSES || !Long.toString(index).equals(c)) {
                throw new IllegalArgumentException("the model file " + path + " has class '" + c + "' (classes "
                        + trained.classes() + "): a Spark ML model needs class indices 0, 1, …; train on numeric"
                        + " labels, or index them with StringIndexer");
            }
            largest = Math.max(largest, index);
        }
        return new MlpClassificationModel(Identifiable$.MODULE$.randomUID("mlpClassifier"), trained,
                (int) largest + 1);
    }

    @Override
    public String uid() {
        return uid != null ? uid : PendingUid.current();
    }

    /** The training API's model: the network, its classes and the run's summary. */
    public TrainedModel trainedModel() {
        return trained;
    }

    /**
     * Whether the model knows how it was trained: a fitted model (and its copies) does; one loaded from disk
     * or from a model file does not, as in MLlib.
     */
    public boolean hasSummary() {
        return trained != null && trained.summary() != null;
    }

    /**
     * How the fit went: per-epoch training loss ({@code objectiveHistory}), validation loss and accuracy, the
     * best epoch, why it stopped. MLlib's {@code HasTrainingSummary}, which gives its models this method, is
     * private to Spark; this one behaves as it does.
     *
     * @throws IllegalStateException when {@link #hasSummary()} is false, with MLlib's message (MLlib throws a
     *         {@code SparkException}, which Java would make every caller catch)
     */
    public MlpTrainingSummary summary() {
        if (!hasSummary()) {
            throw new IllegalStateException("No training summary available for this " + getClass().getSimpleName()
                    + " (a loaded model has none)");
        }
        return new MlpTrainingSummary(trained.summary());
    }

    /**
     * The model's figures on labelled rows (its {@code labelCol}), as MLlib's {@code evaluate}: the rows are
     * transformed now, the metrics computed on first use. See {@link MlpClassificationSummary} for why the type
     * is ours.
     */
    public MlpClassificationSummary evaluate(Dataset<?> dataset) {
        Tuple3<?, ?, ?> found = findSummaryModel();
        MlpClassificationModel model = (MlpClassificationModel) found._1();
        return new MlpClassificationSummary(model.transform(dataset), (String) found._3(), getLabelCol());
    }

    /**
     * Checks the features column (a vector column whose metadata, when it tells the size, matches the model's
     * inputs) before Spark's checks, so that a wrong column is one line naming it.
     */
    @Override
    public StructType transformSchema(StructType schema) {
        requireNetwork();
        FeaturesColumn.check(schema, getFeaturesCol(), numFeatures(), "the model takes");
        return super.transformSchema(schema);
    }

    private void requireNetwork() {
        if (architecture == null) {
            throw new IllegalStateException("model " + uid() + " has no network (made without one, as Spark"
                    + " Connect does): load one with MlpClassificationModel.load or fit MlpClassifier");
        }
    }

    /** MLlib's name for the layer sizes: input, hidden …, output (outputs: the classes seen in training). */
    public int[] getLayers() {
        return architecture == null ? new int[0] : architecture.sizes();
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public int numFeatures() {
        return architecture == null ? -1 : architecture.inputs();
    }

    @Override
    public Vector predictRaw(Vector features) {
        int n = architecture.inputs();
        if (features.size() != n) {
            throw new IllegalArgumentException("a features vector has " + features.size() + " values; the model"
                    + " takes " + n);
        }
        double[] x = Arrays.copyOf(features.toArray(), n); // toArray may be the vector's own array
        scaling.applyInPlace(x, 1);
        double[] p = new double[architecture.classes()];
        Kernel64.forThread(architecture, loss).predict(parameters, x, 0, 1, p, 0);
        double[] out = new double[numClasses];
        for (int j = 0; j < p.length; j++) {
            out[classIndex[j]] = p[j];
        }
        return Vectors.dense(out);
    }

    /**
     * Appends the output columns as every MLlib classifier does ({@code rawPrediction}, {@code probability},
     * {@code prediction}, each unless its column name is empty; {@code thresholds} honoured), scoring the rows a
     * block at a time ({@link BlockScorer}) instead of Spark's per-row UDFs. The values are those of
     * {@link #predictRaw} and {@link #predict}, up to the last bits a BLAS may give a block and a single row.
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType output = transformSchema(dataset.schema(), true);
        double[] thresholds = isDefined(thresholds()) ? getThresholds() : null;
        if (thresholds != null && thresholds.length != numClasses) {
            throw new IllegalArgumentException("thresholds has " + thresholds.length + " values; the model has "
                    + numClasses + " classes");
        }
        boolean raw = !getRawPredictionCol().isEmpty();
        boolean probability = !getProbabilityCol().isEmpty();
        boolean prediction = !getPredictionCol().isEmpty();
        Dataset<Row> rows = dataset.toDF();
        if (!raw && !probability && !prediction) {
            LOG.warn("{}: transform() adds nothing: rawPredictionCol, probabilityCol and predictionCol are empty",
                    uid());
            return rows;
        }
        StructType schema = rows.schema();
        for (String name : new String[] {raw ? getRawPredictionCol() : null,
                probability ? getProbabilityCol() : null, prediction ? getPredictionCol() : null}) {
            if (name != null) {
                schema = schema.add(output.apply(name));
            }
        }
        BlockScorer.Plan plan = new BlockScorer.Plan(architecture, loss, scaling, parameters, classIndex,
                numClasses, thresholds, rows.schema().fieldIndex(getFeaturesCol()), getFeaturesCol(), raw,
                probability, prediction);
        Dataset<Row> scored = rows.mapPartitions(new BlockScorer(plan), Encoders.row(schema));
        // A row encoder keeps names and types but not the columns' metadata (ML attributes): put it back.
        Column[] columns = new Column[schema.size()];
        for (int i = 0; i < columns.length; i++) {
            StructField f = schema.fields()[i];
            columns[i] = scored.col(quoted(f.name())).as(f.name(), f.metadata());
        }
        return scored.select(columns);
    }

    private static String quoted(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** The raw predictions are the probabilities already (see the class notes). */
    @Override
    public Vector raw2probabilityInPlace(Vector rawPrediction) {
        return rawPrediction;
    }

    /** Both Spark bases declare it; Java needs the choice spelled out (Spark's own, the probabilistic one). */
    @Override
    @SuppressWarnings("rawtypes")
    public Tuple3 findSummaryModel() {
        return super.findSummaryModel();
    }

    @Override
    public MlpClassificationModel copy(ParamMap extra) {
        MlpClassificationModel copy = new MlpClassificationModel(PendingUid.hold(uid()), trained, numClasses);
        return copyValues(copy, extra).setParent(parent());
    }

    /**
     * Saves the model: Spark's metadata (uid, Params) as every Spark ML model writes it, {@value #MODEL_FILE}
     * (format v1, as the command line writes it) and {@value #CLASSES_FILE}, under the path.
     */
    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    @Override
    public void save(String path) throws IOException {
        write().save(path);
    }

    /** The reader {@code PipelineModel.load} and {@code CrossValidatorModel.load} find by reflection. */
    public static MLReader<MlpClassificationModel> read() {
        return new Reader();
    }

    public static MlpClassificationModel load(String path) {
        return read().load(path);
    }

    private static final class Writer extends MLWriter {
        private final MlpClassificationModel instance;

        Writer(MlpClassificationModel instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            instance.requireNetwork();
            DefaultParamsWriter$.MODULE$.saveMetadata(instance, path, sc(), Option.empty(), Option.empty());
            try {
                instance.trained.write(new Path(path, MODEL_FILE).toString());
                AtomicFiles.writeString(new Path(path, CLASSES_FILE).toString(), HadoopFiles.configuration(),
                        Integer.toString(instance.numClasses));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot save the model under " + path, e);
            }
        }
    }

    private static final class Reader extends MLReader<MlpClassificationModel> {
        @Override
        public MlpClassificationModel load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sc(),
                    MlpClassificationModel.class.getName());
            try {
                TrainedModel trained = TrainedModel.read(new Path(path, MODEL_FILE).toString());
                Path classes = new Path(path, CLASSES_FILE);
                FileSystem fs = classes.getFileSystem(HadoopFiles.configuration());
                int k;
                try (InputStream in = fs.open(classes)) {
                    k = Integer.parseInt(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
                }
                MlpClassificationModel model = new MlpClassificationModel(metadata.uid(), trained, k);
                SavedParams.restore(model, metadata, path, (p, v) -> model.set(p, v),
                        (p, v) -> model.setDefault(p, v));
                return model;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load the model under " + path, e);
            }
        }
    }

    @Override
    public String toString() {
        return "MlpClassificationModel: uid=" + uid() + ", layers=" + Arrays.toString(getLayers()) + ", numClasses="
                + numClasses;
    }
}
