package org.sparkmlp.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkmlp.nn.Network;

/**
 * A command's output directory, on any Hadoop file system ({@link HadoopFiles}): every file in it is written
 * through {@link AtomicFiles}.
 *
 * <p>Call order: {@link #prepare} (before any Spark job, so that an unusable directory fails the run early)
 * → {@link #write} / {@link #writeString} / {@link #writeModel}, any number of times → {@link #commit} once
 * the command's last file is written. On a file system that renames atomically (the local disk, HDFS) each file
 * is replaced whole and commit does nothing. On an object store each file is uploaded in place, and a run's set
 * of files is known complete only when the empty {@value #SUCCESS} marker exists: prepare deletes a marker left
 * by an earlier run, and commit writes it last, as Hadoop's and Spark's own committers do.
 */
public final class OutputDir {
    /** The marker written last on object stores. */
    public static final String SUCCESS = "_SUCCESS";

    private final String location;
    private final Configuration conf;
    private final boolean marker;
    private final java.nio.file.Path local;

    private OutputDir(String location, Configuration conf, boolean marker, java.nio.file.Path local) {
        this.location = location;
        this.conf = conf;
        this.marker = marker;
        this.local = local;
    }

    /**
     * Creates the directory {@code location} (and its parents) if needed, checks that it is a writable directory,
     * and on an object store deletes an earlier run's {@value #SUCCESS}.
     *
     * @throws IOException if it cannot be created, is not a directory, or is not writable
     */
    public static OutputDir prepare(String location, Configuration conf) throws IOException {
        Path dir;
        try {
            dir = HadoopFiles.qualify(location, conf);
        } catch (IllegalArgumentException e) { // a malformed URI
            throw new IOException(e.getMessage(), e);
        }
        java.nio.file.Path local = HadoopFiles.local(dir);
        if (local != null) {
            Files.createDirectories(local);
            if (!Files.isWritable(local)) {
                throw new IOException("directory is not writable");
            }
            return new OutputDir(location, conf, false, local);
        }
        FileSystem fs = dir.getFileSystem(conf);
        if (!fs.mkdirs(dir)) {
            throw new IOException("cannot create the directory");
        }
        FileStatus status = fs.getFileStatus(dir);
        if (!status.isDirectory()) {
            throw new IOException("not a directory");
        }
        boolean marker = !HadoopFiles.renamesAtomically(fs, conf);
        if (marker) {
            fs.delete(new Path(dir, SUCCESS), false);
        }
        return new OutputDir(location, conf, marker, null);
    }

    /** The location of file {@code name} in this directory, written as the directory was given. */
    public String path(String name) {
        return location.endsWith("/") ? location + name : location + "/" + name;
    }

    /** The directory as a local path when it is on the local file system, else null. */
    public java.nio.file.Path localPath() {
        return local;
    }

    /** Whether {@link #commit} writes {@value #SUCCESS}: the directory is on a store that cannot rename atomically. */
    public boolean usesMarker() {
        return marker;
    }

    /** Replaces file {@code name} by what {@code writer} writes (see {@link AtomicFiles#write(String, Configuration, AtomicFiles.IoConsumer)}). */
    public void write(String name, AtomicFiles.IoConsumer<OutputStream> writer) throws IOException {
        AtomicFiles.write(path(name), conf, writer);
    }

    /** Replaces file {@code name} by {@code content} in UTF-8. */
    public void writeString(String name, String content) throws IOException {
        AtomicFiles.writeString(path(name), conf, content);
    }

    /** Writes {@code model} as file {@code name} ({@link ModelFile}). */
    public void writeModel(String name, Network model) throws IOException {
        ModelFile.write(model, path(name), conf);
    }

    /** Whether file {@code name} exists in this directory. */
    public boolean exists(String name) throws IOException {
        org.apache.hadoop.fs.Path p = HadoopFiles.qualify(path(name), conf);
        return p.getFileSystem(conf).exists(p);
    }

    /** File {@code name}'s content in UTF-8, or null when there is no such file. */
    public String readString(String name) throws IOException {
        org.apache.hadoop.fs.Path p = HadoopFiles.qualify(path(name), conf);
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p)) {
            return null;
        }
        try (java.io.InputStream in = fs.open(p)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Marks the run's outputs complete: writes {@value #SUCCESS} last on an object store; nothing elsewhere. */
    public void commit() throws IOException {
        if (marker) {
            writeString(SUCCESS, "");
        }
    }
}
