package org.sparkmlp.testing;

import java.net.URI;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local disk under another scheme, {@value #SCHEME}{@code :///abs/path}: a Hadoop file system that is not
 * {@code file:}, so that tests exercise the code paths of remote stores (HDFS, object stores) on this machine.
 * Register it with {@code fs.mlpstore.impl} (or {@code spark.hadoop.fs.mlpstore.impl} through Spark).
 */
public final class LocalStoreFileSystem extends RawLocalFileSystem {
    public static final String SCHEME = "mlpstore";

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    /** {@code path} (absolute, local) as a location on this file system. */
    public static String location(java.nio.file.Path path) {
        return SCHEME + "://" + path.toAbsolutePath().toUri().getPath();
    }
}
