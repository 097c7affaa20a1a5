package org.sparkmlp.ml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the Params saved in Spark's metadata ({@code paramMap}, and {@code defaultParamMap}, which Spark writes
 * since 2.4) on a freshly made estimator or model, skipping with a warning those it no longer has. Spark's
 * {@code DefaultParamsReader.getAndSetParams} throws on such a Param, so a model saved by a version with a
 * Param that a later version drops would not load; a model must outlive the Params of the version that saved
 * it. A known Param whose saved value does not decode or validate still fails, naming it.
 */
final class SavedParams {
    private static final Logger LOG = LoggerFactory.getLogger(SavedParams.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private SavedParams() {
    }

    /**
     * @param set sets a Param's value on {@code instance} (Params' {@code set}, which only the class may call)
     * @param setDefault sets a Param's default on {@code instance}
     */
    static void restore(Params instance, DefaultParamsReader.Metadata metadata, String path,
                                          BiConsumer<Param<Object>, Object> set,
                                          BiConsumer<Param<Object>, Object> setDefault) {
        JsonNode root;
        try {
            root = JSON.readTree(metadata.metadataJson());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the metadata under " + path + " is not JSON: " + e.getMessage(), e);
        }
        apply(instance, root.get("defaultParamMap"), path, setDefault);
        apply(instance, root.get("paramMap"), path, set);
    }

    @SuppressWarnings("unchecked")
    private static void apply(Params instance, JsonNode params, String path, BiConsumer<Param<Object>, Object> to) {
        if (params == null || !params.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (!instance.hasParam(name)) {
                LOG.warn("{}: ignoring the saved param '{}' = {}: {} has no such param", path, name, e.getValue(),
                        instance.getClass().getSimpleName());
                continue;
            }
            Param<Object> param = (Param<Object>) instance.getParam(name);
            Object value;
            try {
                value = param.jsonDecode(e.getValue().toString());
            } catch (RuntimeException bad) {
                throw new IllegalArgumentException("the metadata under " + path + " holds " + e.getValue()
                        + " for param '" + name + "', which does not read as its value: " + bad.getMessage(), bad);
            }
            to.accept(param, value);
        }
    }
}
