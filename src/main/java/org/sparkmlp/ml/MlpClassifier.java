package org.sparkmlp.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.BinaryAttribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsReader$;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkmlp.api.Checkpointing;
import org.sparkmlp.api.DataSpec;
import org.sparkmlp.api.MlpTrainer;
import org.sparkmlp.api.TrainedModel;
import org.sparkmlp.api.TrainingSettings;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.Network;
import org.sparkmlp.nn.Scaling;
import scala.Function1;

/**
 * The trainer as a Spark ML estimator: fits an {@link MlpClassificationModel} on a DataFrame's features (one
 * vector column) and labels (class indices 0 … k−1, as MLlib's classifiers take them), through the training API
 * ({@link MlpTrainer}), inside a {@code Pipeline} or under {@code CrossValidator} like any MLlib classifier.
 *
 * <p><b>A drop-in for MLlib's {@code MultilayerPerceptronClassifier}.</b> Its Params keep their names where the
 * meaning is the same: {@code layers} (input, hidden …, output; the input size and the labels are checked
 * against the data), {@code maxIter} (epochs), {@code stepSize} (the learning rate), {@code seed},
 * {@code solver} (our optimizers; {@code gd} is plain SGD, {@code l-bfgs} is refused with a message naming ours),
 * {@code blockSize} and {@code tol}. Two of them differ:
 * <ul>
 *   <li>{@code tol}: MLPC stops L-BFGS when the objective changes by less than {@code tol}. Our trainer has no
 *       such rule (it stops after {@code maxIter} epochs or by early stopping on the validation rows:
 *       {@code earlyStopPatience}, {@code earlyStopMetric}), so {@code tol} keeps MLPC's default 1e-6 and any
 *       other value is refused at {@code fit} rather than silently ignored.</li>
 *   <li>{@code blockSize}: MLPC stacks that many rows into a matrix for its BLAS calls. Ours are stacked by the
 *       trainer's own rule (a block per partition, {@code Kernel.CHUNK} rows per BLAS call), which the result
 *       does not depend on; {@code blockSize} is accepted (positive, MLPC's default 128) and changes nothing.</li>
 * </ul>
 *
 * <p><b>Our settings</b> are typed Params, each named for its setting of {@link TrainingSettings} and with that
 * setting's default, read from the API's one source ({@link TrainingSettings#defaults()}). Without
 * {@code layers}, the hidden layers are the default {@code hidden} setting and the input and output sizes come
 * from the data. The rows are split into training and validation rows by {@code validationFraction} (seeded and
 * stratified, as the API does), or by a boolean {@code validationIndicatorCol} (MLlib's gradient-boosted trees'
 * Param; true marks a validation row); the estimator keeps no test rows: evaluation is the caller's, as in
 * MLlib. {@code checkpointDir} and {@code checkpointInterval} (steps; −1: none) write the API's checkpoints.
 *
 * <p><b>{@code initialWeights}</b> are MLPC's flattened weights, whose layout is our network's (layer by layer,
 * W as outputs × inputs column-major, then b): they start the network through the API's warm start, with the
 * classes of {@code layers} and no input scaling, as MLPC applies them (docs/ml.md).
 *
 * <p><b>{@code fit}</b> logs one line with the uid, the data's sizes and the Params set, as MLlib's estimators
 * log theirs (MLlib's {@code Instrumentation} is private to Spark), and releases everything it cached.
 *
 * <p><b>Labels</b>: the number of classes is {@code layers}' last size when set, else the label column's
 * metadata (a nominal or binary attribute, as {@code StringIndexer} writes), else the largest label + 1. A
 * label that is null, NaN, negative, fractional or not below the number of classes is one error, naming the
 * first such value and how many rows hold one, before any training job.
 */
public class MlpClassifier extends ProbabilisticClassifier<Vector, MlpClassifier, MlpClassificationModel>
        implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MlpClassifier.class);

    /** MLPC's default {@code tol}, the only value accepted (see the class notes). */
    public static final double MLPC_TOL = 1e-6;
    /** The most classes a label column may name when neither {@code layers} nor metadata says how many. */
    public static final int MAX_CLASSES = 1 << 20;

    private String uid;

    private IntArrayParam layers;
    private IntParam maxIter;
    private DoubleParam stepSize;
    private LongParam seed;
    private DoubleParam tol;
    private IntParam blockSize;
    private Param<String> solver;
    private Param<String> activation;
    private Param<String> loss;
    private IntParam batchSize;
    private Param<String> lrSchedule;
    private DoubleParam lrDecay;
    private IntParam lrStepEpochs;
    private DoubleParam lrWarmupEpochs;
    private LongParam lrWarmupSteps;
    private DoubleParam momentum;
    private DoubleParam beta1;
    private DoubleParam beta2;
    private DoubleParam epsilon;
    private DoubleParam weightDecay;
    private DoubleParam clipNorm;
    private IntParam earlyStopPatience;
    private Param<String> earlyStopMetric;
    private IntParam aggregationDepth;
    private Param<String> precision;
    private Param<String> blas;
    private DoubleParam validationFraction;
    private Param<String> scaling;
    private IntParam partitions;
    private Param<Vector> initialWeights;
    private Param<String> validationIndicatorCol;
    private Param<String> checkpointDir;
    private IntParam checkpointInterval;

    /** Each Param of ours that is a setting, with the setting's key. */
    private LinkedHashMap<Param<?>, String> keys;

    public MlpClassifier() {
        this(Identifiable$.MODULE$.randomUID("mlpClassifier"));
    }

    public MlpClassifier(String uid) {
        this(PendingUid.hold(uid));
    }

    private MlpClassifier(PendingUid.Token token) {
        super();
        this.uid = token.take();
        declare();
    }

    @Override
    public String uid() {
        return uid != null ? uid : PendingUid.current();
    }

    private void declare() {
        Map<String, String> d = TrainingSettings.defaults().asMap();
        keys = new LinkedHashMap<>();
        layers = new IntArrayParam(this, "layers", "sizes of the layers, input first and output last, as"
                + " MLlib's MultilayerPerceptronClassifier (default: the hidden setting, input and output from the"
                + " data)", arrayLengthGt1());
        maxIter = intParam("maxIter", "epochs", "epochs to train (MLlib's maxIter)", 1);
        stepSize = doubleParam("stepSize", "lr", "the learning rate at step 0 (MLlib's stepSize)", 0, false);
        seed = new LongParam(this, "seed", "seed of the initial weights, the split and the batches");
        keys.put(seed, "seed");
        setDefault(seed, Long.parseLong(d.get("seed")));
        tol = new DoubleParam(this, "tol", "MLlib's convergence tolerance; only " + MLPC_TOL + " is accepted:"
                + " stop early with earlyStopPatience instead", ParamValidators.gtEq(0));
        setDefault(tol, MLPC_TOL);
        blockSize = new IntParam(this, "blockSize", "MLlib's rows per stacked block; accepted, changes nothing"
                + " (our blocks have their own size)", ParamValidators.gt(0));
        setDefault(blockSize, 128);
        List<String> solvers = new ArrayList<>(TrainingSettings.choices("optimizer"));
        solvers.add("gd");
        solvers.add("l-bfgs");
        solver = new Param<>(this, "solver", "the optimizer: " + String.join(", ",
                TrainingSettings.choices("optimizer")) + " (MLlib's gd is sgd; l-bfgs is refused)",
                ParamValidators.inArray(solvers));
        keys.put(solver, "optimizer");
        setDefault(solver, d.get("optimizer"));
        activation = choiceParam("activation", "activation", "activation of the hidden layers");
        loss = choiceParam("loss", "loss", "the loss");
        batchSize = intParam("batchSize", "batch-size", "rows per step", 1);
        lrSchedule = choiceParam("lrSchedule", "lr-schedule", "learning-rate schedule");
        lrDecay = doubleParam("lrDecay", "lr-decay", "the schedule's decay", 0, true);
        lrStepEpochs = intParam("lrStepEpochs", "lr-step-epochs", "epochs per step of the step schedule", 1);
        lrWarmupEpochs = doubleParam("lrWarmupEpochs", "lr-warmup-epochs", "epochs of linear warmup", 0, true);
        lrWarmupSteps = new LongParam(this, "lrWarmupSteps", "steps of linear warmup (instead of epochs)",
                ParamValidators.gtEq(0));
        keys.put(lrWarmupSteps, "lr-warmup-steps");
        setDefault(lrWarmupSteps, Long.parseLong(d.get("lr-warmup-steps")));
        momentum = doubleParam("momentum", "momentum", "momentum of the momentum and nesterov optimizers", 0, true);
        beta1 = doubleParam("beta1", "beta1", "Adam's beta1", 0, true);
        beta2 = doubleParam("beta2", "beta2", "Adam's beta2", 0, true);
        epsilon = doubleParam("epsilon", "epsilon", "Adam's epsilon", 0, false);
        weightDecay = doubleParam("weightDecay", "weight-decay", "decoupled weight decay", 0, true);
        clipNorm = doubleParam("clipNorm", "clip-norm", "gradient norm clipping (0: none)", 0, true);
        earlyStopPatience = intParam("earlyStopPatience", "early-stop-patience",
                "epochs without improvement before stopping (0: never stop early)", 0);
        earlyStopMetric = choiceParam("earlyStopMetric", "early-stop-metric", "what early stopping watches");
        aggregationDepth = intParam("aggregationDepth", "aggregation-depth", "depth of the gradient's"
                + " treeAggregate (MLlib's aggregationDepth)", 1);
        precision = choiceParam("precision", "precision", "the training kernel's floating-point precision");
        blas = choiceParam("blas", "blas", "which BLAS the kernels call");
        validationFraction = doubleParam("validationFraction", "val-fraction",
                "fraction of the rows held out for validation, seeded and stratified", 0, true);
        scaling = choiceParam("scaling", "scale", "input scaling fitted on the training rows");
        partitions = new IntParam(this, "partitions", "partitions of the training rows (0: Spark's default"
                + " parallelism)", ParamValidators.gtEq(0));
        setDefault(partitions, 0);
        initialWeights = new Param<>(this, "initialWeights", "the initial weights, in MLlib's"
                + " MultilayerPerceptronClassifier's layout for layers (each layer's weights, outputs × inputs"
                + " column-major, then its biases); they apply to the features as they are (no scaling)");
        validationIndicatorCol = new Param<>(this, "validationIndicatorCol", "name of a boolean column: true marks a"
                + " validation row (then validationFraction must be 0), as MLlib's gradient-boosted trees");
        checkpointDir = new Param<>(this, "checkpointDir", "a directory on any Hadoop file system for the run's"
                + " checkpoints (none: no checkpoints)");
        checkpointInterval = new IntParam(this, "checkpointInterval", "with checkpointDir: checkpoint every this"
                + " many steps besides every epoch's end (0: at epochs' ends only; -1: no checkpoints)",
                ParamValidators.gtEq(-1));
        setDefault(checkpointInterval, 0);
    }

    @SuppressWarnings("unchecked")
    private static Function1<int[], Object> arrayLengthGt1() {
        // Scala's Array[T] => Boolean reaches Java as a function of Object.
        return (Function1<int[], Object>) (Function1<?, ?>) ParamValidators.arrayLengthGt(1);
    }

    private IntParam intParam(String name, String key, String doc, int lowest) {
        IntParam p = new IntParam(this, name, doc + " (setting " + key + ")", ParamValidators.gtEq(lowest));
        keys.put(p, key);
        setDefault(p, Integer.parseInt(TrainingSettings.defaults().asMap().get(key)));
        return p;
    }

    private DoubleParam doubleParam(String name, String key, String doc, double lowest, boolean inclusive) {
        DoubleParam p = new DoubleParam(this, name, doc + " (setting " + key + ")",
                inclusive ? ParamValidators.gtEq(lowest) : ParamValidators.gt(lowest));
        keys.put(p, key);
        setDefault(p, Double.parseDouble(TrainingSettings.defaults().asMap().get(key)));
        return p;
    }

    private Param<String> choiceParam(String name, String key, String doc) {
        List<String> choices = TrainingSettings.choices(key);
        Param<String> p = new Param<>(this, name, doc + ": " + String.join(", ", choices) + " (setting " + key + ")",
                ParamValidators.inArray(choices));
        keys.put(p, key);
        setDefault(p, TrainingSettings.defaults().asMap().get(key));
        return p;
    }

    // Params: Spark finds them by these public no-argument methods.

    public IntArrayParam layers() {
        return layers;
    }

    public IntParam maxIter() {
        return maxIter;
    }

    public DoubleParam stepSize() {
        return stepSize;
    }

    public LongParam seed() {
        return seed;
    }

    public DoubleParam tol() {
        return tol;
    }

    public IntParam blockSize() {
        return blockSize;
    }

    public Param<String> solver() {
        return solver;
    }

    public Param<String> activation() {
        return activation;
    }

    public Param<String> loss() {
        return loss;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public Param<String> lrSchedule() {
        return lrSchedule;
    }

    public DoubleParam lrDecay() {
        return lrDecay;
    }

    public IntParam lrStepEpochs() {
        return lrStepEpochs;
    }

    public DoubleParam lrWarmupEpochs() {
        return lrWarmupEpochs;
    }

    public LongParam lrWarmupSteps() {
        return lrWarmupSteps;
    }

    public DoubleParam momentum() {
        return momentum;
    }

    public DoubleParam beta1() {
        return beta1;
    }

    public DoubleParam beta2() {
        return beta2;
    }

    public DoubleParam epsilon() {
        return epsilon;
    }

    public DoubleParam weightDecay() {
        return weightDecay;
    }

    public DoubleParam clipNorm() {
        return clipNorm;
    }

    public IntParam earlyStopPatience() {
        return earlyStopPatience;
    }

    public Param<String> earlyStopMetric() {
        return earlyStopMetric;
    }

    public IntParam aggregationDepth() {
        return aggregationDepth;
    }

    public Param<String> precision() {
        return precision;
    }

    public Param<String> blas() {
        return blas;
    }

    public DoubleParam validationFraction() {
        return validationFraction;
    }

    public Param<String> scaling() {
        return scaling;
    }

    public IntParam partitions() {
        return partitions;
    }

    public Param<Vector> initialWeights() {
        return initialWeights;
    }

    public Param<String> validationIndicatorCol() {
        return validationIndicatorCol;
    }

    public Param<String> checkpointDir() {
        return checkpointDir;
    }

    public IntParam checkpointInterval() {
        return checkpointInterval;
    }

    // MLPC's getters, so that a program written for it compiles with the class swapped.

    public int[] getLayers() {
        return getOrDefault(layers);
    }

    public int getMaxIter() {
        return (Integer) getOrDefault(maxIter);
    }

    public double getStepSize() {
        return (Double) getOrDefault(stepSize);
    }

    public long getSeed() {
        return (Long) getOrDefault(seed);
    }

    public double getTol() {
        return (Double) getOrDefault(tol);
    }

    public int getBlockSize() {
        return (Integer) getOrDefault(blockSize);
    }

    public String getSolver() {
        return getOrDefault(solver);
    }

    public Vector getInitialWeights() {
        return getOrDefault(initialWeights);
    }

    // Setters, as MLlib's estimators have them.

    public MlpClassifier setLayers(int[] value) {
        return (MlpClassifier) set(layers, value);
    }

    public MlpClassifier setMaxIter(int value) {
        return (MlpClassifier) set(maxIter, value);
    }

    public MlpClassifier setStepSize(double value) {
        return (MlpClassifier) set(stepSize, value);
    }

    public MlpClassifier setSeed(long value) {
        return (MlpClassifier) set(seed, value);
    }

    public MlpClassifier setTol(double value) {
        return (MlpClassifier) set(tol, value);
    }

    public MlpClassifier setBlockSize(int value) {
        return (MlpClassifier) set(blockSize, value);
    }

    public MlpClassifier setSolver(String value) {
        return (MlpClassifier) set(solver, value);
    }

    public MlpClassifier setActivation(String value) {
        return (MlpClassifier) set(activation, value);
    }

    public MlpClassifier setLoss(String value) {
        return (MlpClassifier) set(loss, value);
    }

    public MlpClassifier setBatchSize(int value) {
        return (MlpClassifier) set(batchSize, value);
    }

    public MlpClassifier setLrSchedule(String value) {
        return (MlpClassifier) set(lrSchedule, value);
    }

    public MlpClassifier setLrDecay(double value) {
        return (MlpClassifier) set(lrDecay, value);
    }

    public MlpClassifier setLrStepEpochs(int value) {
        return (MlpClassifier) set(lrStepEpochs, value);
    }

    public MlpClassifier setLrWarmupEpochs(double value) {
        return (MlpClassifier) set(lrWarmupEpochs, value);
    }

    public MlpClassifier setLrWarmupSteps(long value) {
        return (MlpClassifier) set(lrWarmupSteps, value);
    }

    public MlpClassifier setMomentum(double value) {
        return (MlpClassifier) set(momentum, value);
    }

    public MlpClassifier setBeta1(double value) {
        return (MlpClassifier) set(beta1, value);
    }

    public MlpClassifier setBeta2(double value) {
        return (MlpClassifier) set(beta2, value);
    }

    public MlpClassifier setEpsilon(double value) {
        return (MlpClassifier) set(epsilon, value);
    }

    public MlpClassifier setWeightDecay(double value) {
        return (MlpClassifier) set(weightDecay, value);
    }

    public MlpClassifier setClipNorm(double value) {
        return (MlpClassifier) set(clipNorm, value);
    }

    public MlpClassifier setEarlyStopPatience(int value) {
        return (MlpClassifier) set(earlyStopPatience, value);
    }

    public MlpClassifier setEarlyStopMetric(String value) {
        return (MlpClassifier) set(earlyStopMetric, value);
    }

    public MlpClassifier setAggregationDepth(int value) {
        return (MlpClassifier) set(aggregationDepth, value);
    }

    public MlpClassifier setPrecision(String value) {
        return (MlpClassifier) set(precision, value);
    }

    public MlpClassifier setBlas(String value) {
        return (MlpClassifier) set(blas, value);
    }

    public MlpClassifier setValidationFraction(double value) {
        return (MlpClassifier) set(validationFraction, value);
    }

    public MlpClassifier setScaling(String value) {
        return (MlpClassifier) set(scaling, value);
    }

    public MlpClassifier setPartitions(int value) {
        return (MlpClassifier) set(partitions, value);
    }

    public MlpClassifier setInitialWeights(Vector value) {
        return (MlpClassifier) set(initialWeights, value);
    }

    public MlpClassifier setValidationIndicatorCol(String value) {
        return (MlpClassifier) set(validationIndicatorCol, value);
    }

    public MlpClassifier setCheckpointDir(String value) {
        return (MlpClassifier) set(checkpointDir, value);
    }

    public MlpClassifier setCheckpointInterval(int value) {
        return (MlpClassifier) set(checkpointInterval, value);
    }

    /**
     * The training API's settings these Params stand for: the defaults, with every Param set here in place of
     * its setting; no test rows (the estimator's caller evaluates), and no validation fraction when
     * {@code validationIndicatorCol} chooses the validation rows. Refuses MLlib's values that have no meaning
     * here ({@code solver} l-bfgs, {@code tol} other than 1e-6), naming ours, and two ways of choosing the
     * validation rows at once.
     */
    public TrainingSettings trainingSettings() {
        String solverId = getOrDefault(solver);
        if (solverId.equals("l-bfgs")) {
            throw new IllegalArgumentException("solver l-bfgs is MLlib's; this estimator trains with mini-batch"
                    + " optimizers: " + String.join(", ", TrainingSettings.choices("optimizer")));
        }
        double tolerance = (Double) getOrDefault(tol);
        if (tolerance != MLPC_TOL) {
            throw new IllegalArgumentException("tol " + tolerance + " has no meaning here (no convergence test):"
                    + " leave it at " + MLPC_TOL + " and stop early with earlyStopPatience and earlyStopMetric");
        }
        boolean indicated = isSet(validationIndicatorCol);
        if (indicated && isSet(validationFraction) && (Double) getOrDefault(validationFraction) > 0) {
            throw new IllegalArgumentException("validationIndicatorCol '" + getOrDefault(validationIndicatorCol)
                    + "' and validationFraction " + getOrDefault(validationFraction) + " both choose the validation"
                    + " rows: set one of them (validationFraction 0 with validationIndicatorCol)");
        }
        TrainingSettings.Builder b = TrainingSettings.builder();
        for (Map.Entry<Param<?>, String> e : keys.entrySet()) {
            if (isSet(e.getKey())) {
                String value = text(getOrDefault(e.getKey()));
                b.set(e.getValue(), e.getKey() == solver && value.equals("gd") ? "sgd" : value);
            }
        }
        if (isSet(layers)) {
            int[] sizes = getOrDefault(layers);
            b.hidden(Arrays.copyOfRange(sizes, 1, sizes.length - 1));
        }
        if (indicated) {
            b.validationFraction(0);
        }
        b.testFraction(0);
        return b.build();
    }

    private static String text(Object value) {
        return value instanceof String s ? s : String.valueOf(value);
    }

    /**
     * The network {@code initialWeights} describe, as a model to start from, or null without them: the
     * architecture of {@code layers} and the settings' activation, MLPC's flattened layout (which is ours:
     * layer by layer, W as outputs × inputs column-major, then b), no input scaling (the weights apply to the
     * features as MLPC applies them) and the classes 0 … k−1 of {@code layers}' output.
     */
    TrainedModel initialNetwork(TrainingSettings settings) {
        if (!isSet(initialWeights)) {
            return null;
        }
        if (!isSet(layers)) {
            throw new IllegalArgumentException("initialWeights need layers: their layout follows the layer sizes");
        }
        if (isSet(scaling) && !getOrDefault(scaling).equals("none")) {
            throw new IllegalArgumentException("initialWeights apply to the features as they are (as in MLlib's"
                    + " MultilayerPerceptronClassifier), so scaling must be none, not " + getOrDefault(scaling));
        }
        int[] sizes = getOrDefault(layers);
        Architecture arch = new Architecture(sizes, settings.activation());
        Vector weights = getOrDefault(initialWeights);
        if (weights.size() != arch.parameterCount()) {
            throw new IllegalArgumentException("initialWeights hold " + weights.size() + " values, but layers "
                    + Arrays.toString(sizes) + " need " + arch.parameterCount() + " (per layer: outputs × inputs"
                    + " weights, then outputs biases)");
        }
        List<String> classes = new ArrayList<>();
        for (int c = 0; c < arch.classes(); c++) {
            classes.add(Integer.toString(c));
        }
        return TrainedModel.of(new Network(arch, settings.loss(), weights.toArray(), Scaling.none(sizes[0]),
                classes, Map.of("initial_weights", "the estimator's initialWeights")));
    }

    /**
     * Checks the features column's type (and size, when its metadata or {@code layers} tell it) and the
     * validation indicator's type before Spark plans anything, so that a wrong column is one line naming it.
     */
    @Override
    public StructType transformSchema(StructType schema) {
        FeaturesColumn.check(schema, getFeaturesCol(), isSet(layers) ? getOrDefault(layers)[0] : -1,
                isSet(layers) ? "layers " + Arrays.toString(getOrDefault(layers)) + " take" : "");
        if (isSet(validationIndicatorCol)) {
            String name = getOrDefault(validationIndicatorCol);
            if (!List.of(schema.fieldNames()).contains(name)) {
                throw new IllegalArgumentException("validationIndicatorCol '" + name + "' is not a column (columns: "
                        + String.join(", ", schema.fieldNames()) + ")");
            }
            DataType type = schema.apply(name).dataType();
            if (!type.equals(DataTypes.BooleanType)) {
                throw new IllegalArgumentException("validationIndicatorCol '" + name + "' holds "
                        + type.simpleString() + "; it must be a boolean column (true: a validation row)");
            }
        }
        return super.transformSchema(schema);
    }

    @Override
    public MlpClassificationModel train(Dataset<?> dataset) {
        TrainingSettings settings = trainingSettings();
        TrainedModel initial = initialNetwork(settings);
        String features = getFeaturesCol();
        String label = getLabelCol();
        String indicator = isSet(validationIndicatorCol) ? getOrDefault(validationIndicatorCol) : null;
        Dataset<Row> rows = indicator == null ? dataset.toDF().select(col(features), col(label))
                : dataset.toDF().select(col(features), col(label), col(indicator));
        int declared = isSet(layers) ? getOrDefault(layers)[0] : -1;
        int inputs = FeaturesColumn.check(rows.schema(), features, declared,
                declared > 0 ? "layers " + Arrays.toString(getOrDefault(layers)) + " take" : "");
        DataCheck check = checkRows(rows, indicator);
        LOG.info("{}: fit on {} rows ({}), {} features, {} classes; params {}", uid(), check.rows(),
                indicator == null ? "validation fraction " + settings.validationFraction()
                        : check.validation() + " marked for validation by '" + indicator + "'",
                inputs >= 0 ? inputs : "(from the rows)", check.classes(), paramsSet());

        MlpTrainer trainer = new MlpTrainer(rows.sparkSession(), settings).withMessages(LOG::info);
        int parts = (Integer) getOrDefault(partitions);
        if (parts > 0) {
            trainer = trainer.withPartitions(parts);
        }
        if (initial != null) {
            trainer = trainer.withWarmStart(initial);
        }
        int interval = (Integer) getOrDefault(checkpointInterval);
        if (isSet(checkpointDir) && interval >= 0) {
            trainer = trainer.withCheckpoints(Checkpointing.at(getOrDefault(checkpointDir)).withEverySteps(interval));
        }
        int width = declared > 0 ? declared : inputs;
        TrainedModel trained = trainer.fit(indicator == null ? spec(rows, width)
                : spec(rows.filter(not(col(indicator))), width).withValidation(spec(rows.filter(col(indicator)), width)));
        if (declared > 0 && trained.inputs() != declared) {
            throw new IllegalArgumentException("layers " + Arrays.toString(getOrDefault(layers)) + " take "
                    + declared + " inputs, but the features column '" + features + "' holds vectors of "
                    + trained.inputs());
        }
        return new MlpClassificationModel(uid(), trained, check.classes());
    }

    /** The features and labels of {@code rows} for the training API; {@code width} above 0: each vector's size. */
    private DataSpec spec(Dataset<Row> rows, int width) {
        DataSpec spec = DataSpec.rows(rows.select(col(getFeaturesCol()), col(getLabelCol())))
                .withLabelColumn(getLabelCol()).withFeatureColumns(getFeaturesCol());
        return width > 0 ? spec.withFeatures(width) : spec;
    }

    /** The Params set on this estimator, name=value, for the log (MLlib's estimators log theirs). */
    private String paramsSet() {
        StringJoiner j = new StringJoiner(", ", "{", "}");
        for (Param<?> p : params()) {
            if (isSet(p)) {
                Object v = getOrDefault(p);
                j.add(p.name() + "=" + (v instanceof int[] a ? Arrays.toString(a)
                        : v instanceof Vector w ? "(" + w.size() + " values)" : v));
            }
        }
        return j.toString();
    }

    /** What the one aggregation over the rows found: the classes, the rows, the validation rows. */
    private record DataCheck(int classes, long rows, long validation) {
    }

    /**
     * The number of classes and rows, after one aggregation over the label column that finds any label that is
     * not a class index, and over the validation indicator, which must mark some rows and leave none null.
     * Nothing but a few numbers comes back to the driver.
     */
    private DataCheck checkRows(Dataset<Row> rows, String indicator) {
        String name = getLabelCol();
        int known = isSet(layers) ? getOrDefault(layers)[getOrDefault(layers).length - 1]
                : metadataClasses(rows, name);
        if (isSet(layers)) {
            int fromMetadata = metadataClasses(rows, name);
            if (fromMetadata > known) {
                throw new IllegalArgumentException("the label column '" + name + "' names " + fromMetadata
                        + " classes, but layers' output size is " + known);
            }
        }
        int limit = known > 0 ? known : MAX_CLASSES;
        Column y = col(name);
        Column bad = y.isNull().or(isnan(y)).or(y.lt(0)).or(y.notEqual(floor(y))).or(y.geq(limit));
        List<Column> more = new ArrayList<>(List.of(sum(when(bad, 1).otherwise(0)),
                first(when(bad, y.cast("string")).otherwise(lit(null)), true), count(lit(1))));
        if (indicator != null) {
            more.add(sum(when(col(indicator).isNull(), 1).otherwise(0)));
            more.add(sum(when(col(indicator), 1).otherwise(0)));
        }
        Row r = rows.agg(max(when(not(bad), y)), more.toArray(new Column[0])).head();
        long badRows = r.isNullAt(1) ? 0 : r.getLong(1);
        if (badRows > 0) {
            String value = r.isNullAt(2) ? "null" : r.getString(2);
            throw new IllegalArgumentException("label column '" + name + "' holds " + value + " (and " + badRows
                    + " row(s) in all hold a label that is not a class index): labels must be whole numbers 0, 1,"
                    + " …, " + (known > 0 ? (known - 1) + " (" + known + " classes, from "
                    + (isSet(layers) ? "layers" : "the column's metadata") + ")" : "k−1"));
        }
        if (r.isNullAt(0)) {
            throw new IllegalArgumentException("the rows to train on are empty");
        }
        long validation = 0;
        if (indicator != null) {
            long nulls = r.getLong(4);
            validation = r.getLong(5);
            if (nulls > 0) {
                throw new IllegalArgumentException("validationIndicatorCol '" + indicator + "' is null in " + nulls
                        + " row(s): every row must say true (validation) or false (training)");
            }
            if (validation == 0 || validation == r.getLong(3)) {
                throw new IllegalArgumentException("validationIndicatorCol '" + indicator + "' marks " + validation
                        + " of " + r.getLong(3) + " rows for validation: both sets need rows");
            }
        }
        return new DataCheck(known > 0 ? known : (int) r.getDouble(0) + 1, r.getLong(3), validation);
    }

    /** The number of classes the label column's metadata names, or −1. */
    private static int metadataClasses(Dataset<Row> rows, String name) {
        Attribute a = Attribute.fromStructField(rows.schema().apply(name));
        if (a instanceof BinaryAttribute) {
            return 2;
        }
        if (a instanceof NominalAttribute nominal && nominal.getNumValues().isDefined()) {
            return (Integer) nominal.getNumValues().get();
        }
        return -1;
    }

    /**
     * The reader {@code Pipeline.load} and {@code CrossValidator.load} find by reflection: the Params alone,
     * ignoring with a warning those this version no longer has.
     */
    public static MLReader<MlpClassifier> read() {
        return new Reader();
    }

    private static final class Reader extends MLReader<MlpClassifier> {
        @Override
        public MlpClassifier load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader$.MODULE$.loadMetadata(path, sc(),
                    MlpClassifier.class.getName());
            MlpClassifier estimator = new MlpClassifier(metadata.uid());
            SavedParams.restore(estimator, metadata, path, (p, v) -> estimator.set(p, v),
                    (p, v) -> estimator.setDefault(p, v));
            return estimator;
        }
    }

    public static MlpClassifier load(String path) {
        return read().load(path);
    }

    @Override
    public MlpClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }
}
