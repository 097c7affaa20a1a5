package org.sparkmlp.io;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A checkpoint directory on any Hadoop file system: files {@code checkpoint-<step, 9 digits>.ckpt} in the
 * {@link CheckpointFile} format, each written whole through {@link AtomicFiles}. {@link #save} writes the new one
 * first and only then deletes the oldest beyond {@code keep}, so the newest complete checkpoint is never deleted
 * before its successor is in place. {@link #newest} reads from the highest step down and skips, with a one-line
 * warning naming it, every file that is truncated or corrupt — never trusting modification times.
 */
public final class Checkpoints {
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d{9,})\\.ckpt");

    private final String location;
    private final Configuration conf;
    private final int keep;

    /** A checkpoint you can trust: its file's name and content. */
    public record Found(String name, CheckpointFile.Content content) {
    }

    public Checkpoints(String location, Configuration conf, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("checkpoints to keep must be at least 1, got " + keep);
        }
        this.location = location;
        this.conf = conf;
        this.keep = keep;
    }

    /** The file name of the checkpoint after {@code step} updates. */
    public static String name(long step) {
        return String.format(Locale.ROOT, "checkpoint-%09d.ckpt", step);
    }

    public String location() {
        return location;
    }

    /** Writes {@code content} as the checkpoint of its step, then deletes the oldest beyond the newest K. */
    public String save(CheckpointFile.Content content, String library) throws IOException {
        byte[] bytes = CheckpointFile.toBytes(content, library);
        String name = name(content.state().step());
        String target = child(name);
        AtomicFiles.write(target, conf, out -> out.write(bytes));
        List<Path> files = list();
        for (int i = keep; i < files.size(); i++) {
            files.get(i).getFileSystem(conf).delete(files.get(i), false);
        }
        return target;
    }

    /**
     * The complete checkpoint with the highest step, or null when there is none; each file that cannot be read is
     * reported to {@code warn} in one line naming it, and skipped.
     */
    public Found newest(Consumer<String> warn) throws IOException {
        for (Path p : list()) {
            byte[] bytes = readAll(p);
            try {
                return new Found(p.getName(), CheckpointFile.fromBytes(bytes, p.getName()));
            } catch (CheckpointFormatException e) {
                warn.accept("skipping checkpoint " + e.getMessage());
            }
        }
        return null;
    }

    /** Whether the directory holds any checkpoint file, complete or not. */
    public boolean any() throws IOException {
        return !list().isEmpty();
    }

    /** Deletes every checkpoint file, for a run that starts over (--overwrite). */
    public void clear() throws IOException {
        for (Path p : list()) {
            p.getFileSystem(conf).delete(p, false);
        }
    }

    /** The checkpoint files, highest step first. */
    private List<Path> list() throws IOException {
        Path dir = HadoopFiles.qualify(location, conf);
        FileSystem fs = dir.getFileSystem(conf);
        FileStatus[] statuses;
        try {
            statuses = fs.listStatus(dir);
        } catch (FileNotFoundException e) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        for (FileStatus s : statuses) {
            Matcher m = NAME.matcher(s.getPath().getName());
            if (s.isFile() && m.matches()) {
                files.add(s.getPath());
            }
        }
        files.sort(Comparator.comparingLong(Checkpoints::stepOf).reversed());
        return files;
    }

    private static long stepOf(Path p) {
        Matcher m = NAME.matcher(p.getName());
        m.matches();
        return Long.parseLong(m.group(1));
    }

    private byte[] readAll(Path p) throws IOException {
        try (InputStream in = p.getFileSystem(conf).open(p)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        }
    }

    private String child(String name) {
        return location.endsWith("/") ? location + name : location + "/" + name;
    }
}
