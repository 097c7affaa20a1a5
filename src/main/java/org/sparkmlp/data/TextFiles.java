package org.sparkmlp.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * Files as the readers see them, through Hadoop's file systems with the configuration Spark was given: a path
 * names a file, a directory of files (hidden and {@code _}-prefixed names skipped) or a glob; scheme-less paths
 * resolve against the default file system. Text is read line by line, plain or compressed (.gz, .bz2), each
 * line numbered from 1 within its file.
 */
final class TextFiles {
    private TextFiles() {
    }

    /** Fails with a one-line data error, before any job, unless {@code path} names something that exists. */
    static void requireExists(Configuration conf, String path) {
        try {
            Path p = new Path(path);
            FileStatus[] matches = p.getFileSystem(conf).globStatus(p);
            if (matches == null || matches.length == 0) {
                throw new DataFormatException(path, null, "no such file or directory");
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new DataFormatException(path, null, "cannot be opened: " + firstLine(e.getMessage()));
        }
    }

    /** The data files a path names, sorted by name. */
    static List<String> listFiles(Configuration conf, String path) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(conf);
            FileStatus[] matches = fs.globStatus(p);
            if (matches == null || matches.length == 0) {
                throw new DataFormatException(path, null, "no such file or directory");
            }
            List<String> files = new ArrayList<>();
            for (FileStatus m : matches) {
                if (m.isDirectory()) {
                    for (FileStatus child : fs.listStatus(m.getPath())) {
                        String name = child.getPath().getName();
                        if (child.isFile() && !name.startsWith(".") && !name.startsWith("_")) {
                            files.add(child.getPath().toString());
                        }
                    }
                } else {
                    files.add(m.getPath().toString());
                }
            }
            if (files.isEmpty()) {
                throw new DataFormatException(path, null, "is a directory with no data files");
            }
            files.sort(null);
            return files;
        } catch (IOException | IllegalArgumentException e) {
            throw new DataFormatException(path, null, "cannot be listed: " + firstLine(e.getMessage()));
        }
    }

    static boolean isDirectory(Configuration conf, String path) {
        try {
            Path p = new Path(path);
            return p.getFileSystem(conf).getFileStatus(p).isDirectory();
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Opens a file on the driver, decompressing by its extension. */
    static BufferedReader open(Configuration conf, String file) throws IOException {
        Path p = new Path(file);
        InputStream in = p.getFileSystem(conf).open(p);
        CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(p);
        if (codec != null) {
            in = codec.createInputStream(in);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** A file as users typed it: local paths without the file: scheme. */
    static String displayName(String file) {
        return file.startsWith("file:") ? new Path(file).toUri().getPath() : file;
    }

    /** The file name without directories and without a compression extension (.gz, .bz2), lower case. */
    static String baseName(String path) {
        String name = new Path(path).getName().toLowerCase(java.util.Locale.ROOT);
        for (String ext : new String[] {".gz", ".bz2"}) {
            if (name.endsWith(ext)) {
                name = name.substring(0, name.length() - ext.length());
            }
        }
        return name;
    }

    /**
     * Every file's lines, numbered from 0 within the file, through {@code pack}: one RDD per file (so a split
     * knows its file), split by Hadoop into at least {@code minPartitions} in all, in file-name order. A data
     * error while packing becomes a {@link RawBlock#failure} ({@link ReadGuard}).
     */
    static JavaRDD<RawBlock> read(JavaSparkContext sc, List<String> files, int minPartitions,
                                  Function<String, PackLines> pack) {
        int perFile = Math.max(1, minPartitions / files.size());
        JavaRDD<RawBlock> all = null;
        for (String file : files) {
            String name = displayName(file);
            PackLines packer = pack.apply(name);
            JavaRDD<RawBlock> part = sc.textFile(file, perFile).zipWithIndex()
                    .mapPartitions(lines -> ReadGuard.of(packer.pack(lines), name));
            all = all == null ? part : all.union(part);
        }
        return all;
    }

    /** One file's packing of a split's numbered lines into raw blocks. */
    interface PackLines extends java.io.Serializable {
        Iterator<RawBlock> pack(Iterator<Tuple2<String, Long>> lines);
    }

    static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
