package org.sparkmlp.data;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoSerializable;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The Hadoop configuration Spark was given ({@code sc.hadoopConfiguration()}: core-site.xml, {@code
 * spark.hadoop.*}, credentials providers, the default file system), made serializable so that executors open
 * files exactly as the driver does. Broadcast it once per read ({@link #broadcast}); a fresh {@code new
 * Configuration()} on an executor would silently drop every {@code spark.hadoop.*} setting.
 *
 * <p>Serialized with Hadoop's own {@link Configuration#write}, by Java serialization and by Kryo alike.
 */
public final class HadoopConf implements Serializable, KryoSerializable {
    private static final long serialVersionUID = 1L;

    private transient Configuration conf;

    /** For Kryo. */
    private HadoopConf() {
    }

    public HadoopConf(Configuration conf) {
        this.conf = conf;
    }

    /** The driver's configuration, broadcast for the executors' reading tasks. */
    public static Broadcast<HadoopConf> broadcast(JavaSparkContext sc) {
        return sc.broadcast(new HadoopConf(sc.hadoopConfiguration()));
    }

    public Configuration get() {
        return conf;
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        conf.write(out);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        conf = new Configuration(false);
        conf.readFields(in);
    }

    @Override
    public void write(Kryo kryo, Output output) {
        try {
            DataOutputStream data = new DataOutputStream(output);
            conf.write(data);
            data.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void read(Kryo kryo, Input input) {
        try {
            conf = new Configuration(false);
            conf.readFields(new DataInputStream(input));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
