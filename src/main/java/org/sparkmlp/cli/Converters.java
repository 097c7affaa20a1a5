package org.sparkmlp.cli;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.sparkmlp.data.CsvReader;
import org.sparkmlp.data.DataSource;
import org.sparkmlp.data.LabelColumn;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Blas;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.optim.EarlyStopping;
import org.sparkmlp.optim.Optimizer;
import org.sparkmlp.train.LearningRate;
import picocli.CommandLine;

/**
 * Turns option values into the project's own types, with each type's own parser, so a bad value is reported
 * in that parser's words ("unknown activation 'softplus' (expected tanh, relu or sigmoid)"). Also lists the
 * values each choice accepts, for shell completion.
 */
final class Converters {
    private Converters() {
    }

    /** Registers every converter on the command hierarchy (call after the subcommands are added). */
    static void register(CommandLine cl) {
        cl.registerConverter(Activation.class, checked(Activation::fromId));
        cl.registerConverter(Loss.class, checked(Loss::fromId));
        cl.registerConverter(Precision.class, checked(Precision::fromId));
        cl.registerConverter(LearningRate.Schedule.class, checked(LearningRate.Schedule::fromId));
        cl.registerConverter(DataSource.Format.class, checked(DataSource.Format::fromId));
        cl.registerConverter(LabelColumn.class, checked(LabelColumn::parse));
        cl.registerConverter(CsvReader.Header.class, checked(Converters::header));
        cl.registerConverter(LayerSizes.class, checked(LayerSizes::parse));
        cl.registerConverter(ScaleChoice.class, checked(ScaleChoice::fromId));
        cl.registerConverter(Optimizer.Kind.class, checked(Optimizer.Kind::fromId));
        cl.registerConverter(EarlyStopping.Metric.class, checked(EarlyStopping.Metric::fromId));
        cl.registerConverter(Blas.Mode.class, checked(Blas.Mode::fromId));
    }

    private static <T> CommandLine.ITypeConverter<T> checked(Function<String, T> parse) {
        return value -> {
            try {
                return parse.apply(value.trim());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        };
    }

    private static CsvReader.Header header(String value) {
        for (CsvReader.Header h : CsvReader.Header.values()) {
            if (h.name().toLowerCase(Locale.ROOT).equals(value)) {
                return h;
            }
        }
        throw new IllegalArgumentException("unknown header setting '" + value + "' (expected auto, true or false)");
    }

    /** Hidden layer sizes: "100", "256,128"; "0" or empty for none. */
    record LayerSizes(int[] sizes) {
        static LayerSizes parse(String value) {
            if (value.isEmpty() || value.equals("0")) {
                return new LayerSizes(new int[0]);
            }
            int[] sizes;
            try {
                sizes = Arrays.stream(value.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected sizes separated by commas, e.g. 256,128; got '" + value + "'");
            }
            for (int s : sizes) {
                if (s < 1) {
                    throw new IllegalArgumentException("sizes must be positive, got " + value);
                }
            }
            return new LayerSizes(sizes);
        }

        @Override
        public String toString() {
            return sizes.length == 0 ? "0" : String.join(",", Arrays.stream(sizes).mapToObj(Integer::toString).toList());
        }
    }

    /** Input scaling as chosen: a kind, or auto (pixel for IDX images, minmax otherwise). */
    enum ScaleChoice {
        AUTO, NONE, PIXEL, MINMAX, STANDARD;

        String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        static ScaleChoice fromId(String id) {
            for (ScaleChoice s : values()) {
                if (s.id().equals(id)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown scaling '" + id + "' (expected auto, none, pixel, minmax or standard)");
        }
    }

    /** The accepted values of a choice, for completion. */
    private abstract static class Ids implements Iterable<String> {
        private final List<String> ids;

        Ids(String... ids) {
            this.ids = List.of(ids);
        }

        @Override
        public Iterator<String> iterator() {
            return ids.iterator();
        }
    }

    static final class ActivationIds extends Ids {
        ActivationIds() {
            super(Arrays.stream(Activation.values()).map(Activation::id).toArray(String[]::new));
        }
    }

    static final class LossIds extends Ids {
        LossIds() {
            super(Arrays.stream(Loss.values()).map(Loss::id).toArray(String[]::new));
        }
    }

    static final class PrecisionIds extends Ids {
        PrecisionIds() {
            super(Arrays.stream(Precision.values()).map(Precision::id).toArray(String[]::new));
        }
    }

    static final class ScheduleIds extends Ids {
        ScheduleIds() {
            super(Arrays.stream(LearningRate.Schedule.values()).map(LearningRate.Schedule::id).toArray(String[]::new));
        }
    }

    static final class FormatIds extends Ids {
        FormatIds() {
            super(Arrays.stream(DataSource.Format.values()).map(DataSource.Format::id).toArray(String[]::new));
        }
    }

    static final class OptimizerIds extends Ids {
        OptimizerIds() {
            super(Arrays.stream(Optimizer.Kind.values()).map(Optimizer.Kind::id).toArray(String[]::new));
        }
    }

    static final class MetricIds extends Ids {
        MetricIds() {
            super(Arrays.stream(EarlyStopping.Metric.values()).map(EarlyStopping.Metric::id).toArray(String[]::new));
        }
    }

    static final class BlasIds extends Ids {
        BlasIds() {
            super(Arrays.stream(Blas.Mode.values()).map(Blas.Mode::id).toArray(String[]::new));
        }
    }

    static final class HeaderIds extends Ids {
        HeaderIds() {
            super("auto", "true", "false");
        }
    }

    static final class LabelColumnIds extends Ids {
        LabelColumnIds() {
            super("first", "last", "none");
        }
    }

    static final class ScaleIds extends Ids {
        ScaleIds() {
            super(Arrays.stream(ScaleChoice.values()).map(ScaleChoice::id).toArray(String[]::new));
        }
    }
}
