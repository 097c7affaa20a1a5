package org.sparkmlp.nn;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A trained network with everything needed to use it on raw inputs: architecture, the loss it was trained
 * with, the flat parameters, the input scaling, the class labels (index i of the softmax is
 * {@code classes.get(i)}), and provenance (configuration, seed, data, version) for the reader.
 */
public record Network(Architecture architecture, Loss loss, double[] parameters, Scaling scaling,
                    List<String> classes, Map<String, Object> provenance) {

    public Network {
        if (parameters.length != architecture.parameterCount()) {
            throw new IllegalArgumentException("network " + architecture + " has " + architecture.parameterCount()
                    + " parameters, got " + parameters.length);
        }
        if (scaling.features() != architecture.inputs()) {
            throw new IllegalArgumentException("scaling covers " + scaling.features() + " features but the network takes "
                    + architecture.inputs() + " inputs");
        }
        if (classes.size() != architecture.classes()) {
            throw new IllegalArgumentException("network has " + architecture.classes() + " outputs but "
                    + classes.size() + " class labels are given");
        }
        parameters = parameters.clone();
        classes = List.copyOf(classes);
        provenance = provenance == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
    }

    /** A copy of the flat parameters: the model's own stay unchanged. */
    @Override
    public double[] parameters() {
        return parameters.clone();
    }

    /** The same network, weights (by content), scaling, classes and provenance. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Network m && architecture.equals(m.architecture) && loss == m.loss
                && Arrays.equals(parameters, m.parameters) && scaling.equals(m.scaling)
                && classes.equals(m.classes) && provenance.equals(m.provenance);
    }

    @Override
    public int hashCode() {
        return Objects.hash(architecture, loss, scaling, classes) * 31 + Arrays.hashCode(parameters);
    }
}
