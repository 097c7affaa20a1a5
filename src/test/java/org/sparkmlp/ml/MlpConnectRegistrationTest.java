package org.sparkmlp.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.ServiceLoader;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Transformer;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Spark 4's ML on Connect finds estimators and models through {@link ServiceLoader} on these two interfaces'
 * service files and makes each with its public no-argument constructor; the uid constructor is what a Connect
 * client's named stage is built with.
 */
class MlpConnectRegistrationTest {

    @Test
    void bothClassesAreRegisteredAndMadeByTheirPublicConstructors() throws Exception {
        List<String> estimators = ServiceLoader.load(Estimator.class).stream()
                .map(p -> p.type().getName()).filter(t -> t.startsWith("org.sparkmlp.")).toList();
        assertEquals(List.of(MlpClassifier.class.getName()), estimators);
        List<ServiceLoader.Provider<Transformer>> models = ServiceLoader.load(Transformer.class).stream()
                .filter(p -> p.type().getName().startsWith("org.sparkmlp.")).toList();
        assertEquals(List.of(MlpClassificationModel.class.getName()),
                models.stream().map(p -> p.type().getName()).toList());

        Transformer made = models.get(0).get();
        assertEquals(MlpClassificationModel.class, made.getClass());
        assertEquals(-1, ((MlpClassificationModel) made).numFeatures());
        MlpClassificationModel named = MlpClassificationModel.class.getConstructor(String.class).newInstance("m-1");
        assertEquals("m-1", named.uid());
        assertEquals("m-1", named.featuresCol().parent());
        IllegalStateException unusable = assertThrows(IllegalStateException.class,
                () -> named.transformSchema(new StructType()));
        assertEquals("model m-1 has no network (made without one, as Spark Connect does): load one with"
                + " MlpClassificationModel.load or fit MlpClassifier", unusable.getMessage());
        MlpClassifier estimator = MlpClassifier.class.getConstructor(String.class).newInstance("e-1");
        assertEquals("e-1", estimator.uid());
        assertEquals(MlpClassifier.class, ServiceLoader.load(Estimator.class).stream()
                .filter(p -> p.type() == MlpClassifier.class).findFirst().orElseThrow().get().getClass());
    }
}
