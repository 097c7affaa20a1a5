package org.sparkmlp.train;

import com.esotericsoftware.kryo.Kryo;
import org.apache.spark.serializer.KryoRegistrator;
import org.sparkmlp.data.Block;
import org.sparkmlp.data.RawBlock;

/**
 * Registers every class of ours that Spark serialises with Kryo (task results, shuffled pieces, cached
 * blocks spilled to disk, broadcasts), so that {@code spark.kryo.registrationRequired=true} holds: an
 * unregistered class is a failure, never a silent class name written with every object.
 */
public final class KryoRegistration implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        for (Class<?> c : classes()) {
            kryo.register(c);
        }
    }

    /** Also used by the tests that check serialisation. */
    public static Class<?>[] classes() {
        try {
            return new Class<?>[] {
                Block.class, Block[].class, RawBlock.class, org.sparkmlp.data.FeatureStats.class,
                Class.forName("org.sparkmlp.data.LabelCensus$Entry"),
                Class.forName("[Lorg.sparkmlp.data.LabelCensus$Entry;"),
                Class.forName("org.sparkmlp.data.BlockPacker$Piece"),
                org.sparkmlp.data.HadoopConf.class,
                org.sparkmlp.nn.GradientSum.class, org.sparkmlp.nn.GradientSum[].class,
                PartitionSums.class, Evaluator.Part.class, Evaluator.Part[].class,
                double[].class, double[][].class, float[].class, float[][].class, int[].class, int[][].class, long[].class, byte[].class,
                byte[][].class, String[].class, Object[].class,
                scala.Tuple2.class, scala.Tuple2[].class,
            };
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
