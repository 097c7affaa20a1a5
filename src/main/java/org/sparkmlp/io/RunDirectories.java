package org.sparkmlp.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A folder of runs, one directory per run named by its start time in UTC ({@code 2026-11-27T21-05-03Z}, with
 * {@code -2}, {@code -3} … when that name is taken), and {@value #LATEST}, which names the run that finished last.
 * Names have no colon, so they are valid on Windows and in Hadoop paths, and sort by start time.
 *
 * <p>Call order for one run: {@link #create} (picks and creates the directory) → the run writes its files there
 * → {@link #pointLatest} once they are complete. {@link #newest} and {@link #latest} only read.
 *
 * <p>{@value #LATEST} is replaced, never deleted and rewritten, so a reader always finds the old or the new one.
 * On the local disk it is a relative symbolic link ({@code latest -> 2026-11-27T21-05-03Z}, so
 * {@code runs/latest/model.json} is a path like any other and the folder can be moved), made under a temporary
 * name and renamed over the old link; where symbolic links cannot be made (Windows without the privilege), and
 * on every other Hadoop file system, it is a text file holding the run's directory name and a newline, written
 * through {@link AtomicFiles} (a temporary name renamed over it, or an upload on an object store).
 *
 * <p>Two runs started in the same second on the local disk get different names (the directory is created with
 * create-new semantics); on other file systems the check and the creation are two calls, so runs started at
 * the same second there may share a directory.
 */
public final class RunDirectories {
    /** The name of the pointer to the run that finished last. */
    public static final String LATEST = "latest";

    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH-mm-ss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern RUN = Pattern.compile("(\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}Z)(?:-(\\d{1,9}))?");
    /** Start time, then the number after it (none is 1), so that {@code …Z-10} sorts after {@code …Z-9}. */
    private static final Comparator<String> BY_START = Comparator.<String, String>comparing(n -> part(n, 1))
            .thenComparingInt(n -> part(n, 2) == null ? 1 : Integer.parseInt(part(n, 2)));

    private final String location;
    private final Configuration conf;

    private RunDirectories(String location, Configuration conf) {
        this.location = location;
        this.conf = conf;
    }

    /** The folder of runs at {@code location}, on any Hadoop file system; nothing is created yet. */
    public static RunDirectories at(String location, Configuration conf) {
        return new RunDirectories(location, conf);
    }

    /** The folder as it was given. */
    public String location() {
        return location;
    }

    /** The location of entry {@code name} of the folder, written as the folder was given. */
    public String path(String name) {
        return location.endsWith("/") ? location + name : location + "/" + name;
    }

    /** The directory name of a run started at {@code start}, before any suffix: whole seconds in UTC. */
    public static String name(Instant start) {
        return NAME.format(start.truncatedTo(ChronoUnit.SECONDS));
    }

    /** Whether {@code name} is a run directory's name (and not {@value #LATEST}, a temporary file or anything else). */
    public static boolean isRunName(String name) {
        return RUN.matcher(name).matches();
    }

    /**
     * Creates the folder if needed and in it a new, empty directory for a run started at {@code start}, named
     * {@link #name(Instant)}, or with {@code -2}, {@code -3} … appended when that exists; returns its name.
     */
    public String create(Instant start) throws IOException {
        String base = name(start);
        Path root = qualify();
        java.nio.file.Path local = HadoopFiles.local(root);
        if (local != null) {
            Files.createDirectories(local);
            for (int k = 1; ; k++) {
                String name = k == 1 ? base : base + "-" + k;
                try {
                    Files.createDirectory(local.resolve(name));
                    return name;
                } catch (FileAlreadyExistsException e) {
                    // Taken by a run started in the same second: try the next suffix.
                }
            }
        }
        FileSystem fs = root.getFileSystem(conf);
        fs.mkdirs(root);
        for (int k = 1; ; k++) {
            String name = k == 1 ? base : base + "-" + k;
            Path dir = new Path(root, name);
            if (!fs.exists(dir)) {
                if (!fs.mkdirs(dir)) {
                    throw new IOException("cannot create the directory " + path(name));
                }
                return name;
            }
        }
    }

    /**
     * Removes run {@code name}'s directory if it is empty (a run that failed before its first file), so a failed
     * run leaves nothing behind; returns whether it did. A directory with anything in it is left alone.
     */
    public boolean removeIfEmpty(String name) throws IOException {
        Path dir = HadoopFiles.qualify(path(name), conf);
        FileSystem fs = dir.getFileSystem(conf);
        if (!fs.exists(dir) || fs.listStatus(dir).length > 0) {
            return false;
        }
        return fs.delete(dir, false);
    }

    /** Whether run {@code name}'s directory holds file {@code file}. */
    public boolean has(String name, String file) throws IOException {
        Path p = HadoopFiles.qualify(path(name) + "/" + file, conf);
        return p.getFileSystem(conf).exists(p);
    }

    /** The run directories' names, oldest start first; empty when the folder does not exist. */
    public List<String> runs() throws IOException {
        Path root = qualify();
        java.nio.file.Path local = HadoopFiles.local(root);
        List<String> names = new ArrayList<>();
        if (local != null) {
            if (!Files.isDirectory(local)) {
                return names;
            }
            try (Stream<java.nio.file.Path> entries = Files.list(local)) {
                entries.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                        .map(p -> p.getFileName().toString()).filter(RunDirectories::isRunName).forEach(names::add);
            }
        } else {
            FileSystem fs = root.getFileSystem(conf);
            if (!fs.exists(root)) {
                return names;
            }
            for (FileStatus status : fs.listStatus(root)) {
                if (status.isDirectory() && isRunName(status.getPath().getName())) {
                    names.add(status.getPath().getName());
                }
            }
        }
        names.sort(BY_START);
        return names;
    }

    /** The name of the run started last, finished or not, or null when there is none. */
    public String newest() throws IOException {
        List<String> names = runs();
        return names.isEmpty() ? null : names.get(names.size() - 1);
    }

    /**
     * Makes {@value #LATEST} name run {@code name}, replacing the previous pointer in one rename (see the class
     * comment); call it once the run's files are complete.
     */
    public void pointLatest(String name) throws IOException {
        if (!isRunName(name)) {
            throw new IllegalArgumentException("not a run directory's name: " + name);
        }
        Path root = qualify();
        java.nio.file.Path local = HadoopFiles.local(root);
        if (local == null) {
            AtomicFiles.writeString(path(LATEST), conf, name + "\n");
            return;
        }
        java.nio.file.Path tmp = local.resolve("." + LATEST + ".tmp-"
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
        try {
            // Relative, so the link still holds when the folder is moved or mounted elsewhere.
            Files.createSymbolicLink(tmp, java.nio.file.Path.of(name));
        } catch (UnsupportedOperationException | FileSystemException e) {
            AtomicFiles.writeString(local.resolve(LATEST), name + "\n");
            return;
        }
        try {
            // rename(2) replaces the old link itself (it does not follow it), in one step.
            Files.move(tmp, local.resolve(LATEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        AtomicFiles.forceDirectory(local);
    }

    /** The name {@value #LATEST} holds (a link's target or a pointer file's line), or null when there is none. */
    public String latest() throws IOException {
        Path root = qualify();
        java.nio.file.Path local = HadoopFiles.local(root);
        String name;
        if (local != null) {
            java.nio.file.Path link = local.resolve(LATEST);
            if (Files.isSymbolicLink(link)) {
                name = Files.readSymbolicLink(link).toString();
            } else if (Files.isRegularFile(link)) {
                name = Files.readString(link, StandardCharsets.UTF_8);
            } else {
                return null;
            }
        } else {
            Path file = new Path(root, LATEST);
            FileSystem fs = file.getFileSystem(conf);
            if (!fs.exists(file)) {
                return null;
            }
            try (java.io.InputStream in = fs.open(file)) {
                name = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        name = name.strip();
        if (!isRunName(name)) {
            throw new IOException(path(LATEST) + " does not name a run directory: '" + name + "'");
        }
        return name;
    }

    private Path qualify() throws IOException {
        try {
            return HadoopFiles.qualify(location, conf);
        } catch (IllegalArgumentException e) { // a malformed URI
            throw new IOException(e.getMessage(), e);
        }
    }

    private static String part(String name, int group) {
        Matcher m = RUN.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a run directory's name: " + name);
        }
        return m.group(group);
    }
}
