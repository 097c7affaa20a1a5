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
        // Spark SQL returns a table's schema from the tasks that read Parquet and ORC footers: every column type
        // travels as a task result. Spark registers a few of them (integers, doubles, strings, dates, decimals);
        // these are the rest. Spark ML is optional (a table of numeric columns needs none of it).
        for (String name : SQL_TYPES) {
            try {
                kryo.register(Class.forName(name, false, KryoRegistration.class.getClassLoader()));
            } catch (ClassNotFoundException e) {
                // Not on this classpath (Spark ML's vectors, or a type of another Spark version): nothing to send.
            }
        }
    }

    private static final String[] SQL_TYPES = {
        "org.apache.spark.sql.types.BooleanType$", "org.apache.spark.sql.types.ByteType$",
        "org.apache.spark.sql.types.ShortType$", "org.apache.spark.sql.types.FloatType$",
        "org.apache.spark.sql.types.BinaryType$", "org.apache.spark.sql.types.TimestampType$",
        "org.apache.spark.sql.types.TimestampNTZType$", "org.apache.spark.sql.types.NullType$",
        "org.apache.spark.sql.types.StringType", "org.apache.spark.sql.types.CharType",
        "org.apache.spark.sql.types.VarcharType", "org.apache.spark.sql.types.ArrayType",
        "org.apache.spark.sql.types.MapType", "org.apache.spark.sql.types.DayTimeIntervalType",
        "org.apache.spark.sql.types.YearMonthIntervalType", "org.apache.spark.sql.types.VariantType$",
        "org.apache.spark.sql.types.LongType", "org.apache.spark.sql.types.FloatType",
        "org.apache.spark.sql.types.BooleanType", "org.apache.spark.sql.types.ShortType",
        "org.apache.spark.sql.types.ByteType",
        "org.apache.spark.ml.linalg.VectorUDT", "org.apache.spark.ml.linalg.MatrixUDT",
        "org.apache.spark.mllib.linalg.VectorUDT",
    };

    /** Also used by the tests that check serialisation. */
    public static Class<?>[] classes() {
        try {
            return new Class<?>[] {
                Block.class, Block[].class, RawBlock.class, org.sparkmlp.data.FeatureStats.class,
                Class.forName("org.sparkmlp.data.LabelCensus$Entry"),
                Class.forName("[Lorg.sparkmlp.data.LabelCensus$Entry;"),
                Class.forName("org.sparkmlp.data.BlockPacker$Piece"),
                Class.forName("org.sparkmlp.data.StratifiedSplit"), long[][].class,
                org.sparkmlp.data.HadoopConf.class, org.sparkmlp.nn.Scaling.class, org.sparkmlp.nn.Scaling.Kind.class,
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
