package org.sparkmlp.io;

import java.io.IOException;
import java.net.URI;
import java.util.Collection;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;

/**
 * Paths as Spark reads them: a string is a Hadoop {@link Path}, resolved by the Hadoop {@link FileSystem} of its
 * scheme with the configuration Spark was given, so {@code file:}, {@code hdfs://}, {@code s3a://} (when the
 * cluster has the connector) and scheme-less paths (against {@code fs.defaultFS}: the local disk by default,
 * HDFS on most clusters) mean here what they mean to Spark.
 *
 * <p>{@link #configuration()} is built by {@link SparkHadoopUtil#newConfiguration}, the function Spark builds
 * {@code SparkContext.hadoopConfiguration()} with, from the {@link SparkConf} of this JVM (spark-submit's
 * {@code --conf spark.hadoop.*} settings, {@code core-site.xml} and {@code hdfs-site.xml} of
 * {@code HADOOP_CONF_DIR}, S3 credentials from the environment): the same settings, available before the context
 * starts, so that a bad output directory or model file is reported before any Spark job.
 *
 * <p>A path on the local file system ({@code file:}) is handed back as a {@link java.nio.file.Path}: there the
 * project writes with {@code java.nio} ({@link AtomicFiles}), which forces data to disk and renames atomically,
 * and leaves no {@code .crc} files beside the outputs as Hadoop's checksummed local file system would.
 */
public final class HadoopFiles {
    /**
     * The Hadoop setting (as {@code --conf spark.hadoop.sparkmlp.atomic-rename.schemes=...}) listing the schemes
     * whose file systems rename a file atomically and so get temporary-then-rename writes; every other scheme
     * (object stores such as {@code s3a}, {@code gs}, {@code abfs}, {@code wasb}) gets direct writes and a
     * {@value OutputDir#SUCCESS} marker written last.
     */
    public static final String ATOMIC_RENAME_SCHEMES = "sparkmlp.atomic-rename.schemes";
    /** The default of {@link #ATOMIC_RENAME_SCHEMES}: the local disk and HDFS (also through viewfs and WebHDFS). */
    public static final String DEFAULT_ATOMIC_RENAME_SCHEMES = "file,hdfs,viewfs,webhdfs,swebhdfs";

    private HadoopFiles() {
    }

    /** The Hadoop configuration Spark gives {@code SparkContext.hadoopConfiguration()} in this JVM. */
    public static Configuration configuration() {
        return SparkHadoopUtil.get().newConfiguration(new SparkConf());
    }

    /** {@code location} as a fully qualified path of its file system (scheme and authority filled in). */
    static Path qualify(String location, Configuration conf) throws IOException {
        Path path = new Path(location);
        return path.getFileSystem(conf).makeQualified(path);
    }

    /** The local file a qualified path names, or null when it is on another file system. */
    static java.nio.file.Path local(Path qualified) {
        URI uri = qualified.toUri();
        return "file".equalsIgnoreCase(uri.getScheme()) ? java.nio.file.Path.of(uri) : null;
    }

    /** Whether {@code fs} renames atomically, per {@link #ATOMIC_RENAME_SCHEMES}. */
    static boolean renamesAtomically(FileSystem fs, Configuration conf) {
        String scheme = fs.getUri().getScheme();
        Collection<String> schemes = conf.getTrimmedStringCollection(ATOMIC_RENAME_SCHEMES);
        if (conf.get(ATOMIC_RENAME_SCHEMES) == null) {
            schemes = java.util.List.of(DEFAULT_ATOMIC_RENAME_SCHEMES.split(","));
        }
        return scheme != null && schemes.contains(scheme.toLowerCase(Locale.ROOT));
    }
}
