package org.sparkmlp.cli;

import java.util.Iterator;
import java.util.List;
import org.sparkmlp.api.DataSpec;
import org.sparkmlp.api.TrainingSettings;

/**
 * The values each choice accepts, for shell completion, as the API lists them. Options that are choices are
 * taken as text and checked by the API, which names a bad value in the setting's own words ("unknown activation
 * 'softplus' (expected tanh, relu or sigmoid)"); the command line shows the setting as its flag.
 */
final class Choices {
    private Choices() {
    }

    /** The accepted values of a choice, for completion. */
    private abstract static class Ids implements Iterable<String> {
        private final List<String> ids;

        Ids(List<String> ids) {
            this.ids = List.copyOf(ids);
        }

        @Override
        public Iterator<String> iterator() {
            return ids.iterator();
        }
    }

    static final class ActivationIds extends Ids {
        ActivationIds() {
            super(TrainingSettings.choices("activation"));
        }
    }

    static final class LossIds extends Ids {
        LossIds() {
            super(TrainingSettings.choices("loss"));
        }
    }

    static final class PrecisionIds extends Ids {
        PrecisionIds() {
            super(TrainingSettings.choices("precision"));
        }
    }

    static final class ScheduleIds extends Ids {
        ScheduleIds() {
            super(TrainingSettings.choices("lr-schedule"));
        }
    }

    static final class OptimizerIds extends Ids {
        OptimizerIds() {
            super(TrainingSettings.choices("optimizer"));
        }
    }

    static final class MetricIds extends Ids {
        MetricIds() {
            super(TrainingSettings.choices("early-stop-metric"));
        }
    }

    static final class BlasIds extends Ids {
        BlasIds() {
            super(TrainingSettings.choices("blas"));
        }
    }

    static final class ScaleIds extends Ids {
        ScaleIds() {
            super(TrainingSettings.choices("scale"));
        }
    }

    static final class FormatIds extends Ids {
        FormatIds() {
            super(DataSpec.choices("format"));
        }
    }

    static final class HeaderIds extends Ids {
        HeaderIds() {
            super(DataSpec.choices("header"));
        }
    }

    static final class LabelColumnIds extends Ids {
        LabelColumnIds() {
            super(DataSpec.choices("label-column"));
        }
    }
}
