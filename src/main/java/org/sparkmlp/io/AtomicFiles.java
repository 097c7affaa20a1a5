package org.sparkmlp.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.UnsupportedFileSystemException;

/**
 * Writes files so that a reader, or the file system after a crash, sees either the old content or the complete
 * new content, never a prefix: the bytes go to a temporary file in the target's directory, are forced to disk,
 * and the temporary file is then renamed over the target with an atomic move.
 *
 * <p>The temporary file must be in the same directory because only a rename within one file system is atomic;
 * an {@link java.nio.file.AtomicMoveNotSupportedException} is passed on rather than falling back to a copy, which
 * would lose the guarantee. The new file gets the permissions of any newly created file (the umask), not those
 * of the file it replaces.
 *
 * <p>The methods that take a location string and a Hadoop {@link Configuration} write to any Hadoop file system
 * ({@link HadoopFiles}): a local path as above; on a file system that renames atomically (HDFS; see
 * {@link HadoopFiles#ATOMIC_RENAME_SCHEMES}) to a temporary name beside the target, synced, then renamed over
 * it; on an object store (s3a, gs, abfs, ...), where a rename is a copy, straight to the target, which the store
 * shows whole once the stream is closed (an upload) and deletes again if the writer fails. Readers there learn
 * that a set of outputs is complete from {@link OutputDir}'s {@value OutputDir#SUCCESS} marker.
 */
public final class AtomicFiles {

    /** An action on a value that may throw {@link IOException}, which {@link java.util.function.Consumer} may not. */
    @FunctionalInterface
    public interface IoConsumer<T> {
        void accept(T value) throws IOException;
    }

    /** A source of a value that may throw {@link IOException}, which {@link java.util.function.Supplier} may not. */
    @FunctionalInterface
    public interface IoSupplier<T> {
        T get() throws IOException;
    }

    private AtomicFiles() {
    }

    /** Replaces {@code target} atomically by {@code content} in UTF-8, creating missing parent directories. */
    public static void writeString(Path target, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }

    /**
     * Replaces {@code target} atomically by whatever {@code writer} writes to the stream it is given, creating
     * missing parent directories. If the writer or any later step fails, the temporary file is deleted, the
     * target is left as it was (or absent), and the exception is rethrown. Closing the stream inside the
     * writer is allowed and only flushes it.
     */
    public static void write(Path target, IoConsumer<OutputStream> writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        // A hidden name next to the target; random so that concurrent writers of one target never share one.
        Path tmp = dir.resolve("." + absolute.getFileName() + ".tmp-"
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
        try {
            // Not Files.createTempFile: that creates the file rw------- on POSIX, which the rename would keep.
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                writer.accept(new FlushOnClose(out));
                out.flush();
                // Force the data before the rename: otherwise a crash could leave the new name on empty blocks.
                channel.force(true);
            }
            Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        forceDirectory(dir);
    }

    /** Replaces the file at {@code location} (any Hadoop file system) by {@code content} in UTF-8. */
    public static void writeString(String location, Configuration conf, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        write(location, conf, out -> out.write(bytes));
    }

    /**
     * Replaces the file at {@code location}, on any Hadoop file system, by what {@code writer} writes: atomically
     * where the file system renames atomically, else directly (see the class comment). On failure nothing new is
     * left at the location and the exception is rethrown.
     */
    public static void write(String location, Configuration conf, IoConsumer<OutputStream> writer) throws IOException {
        org.apache.hadoop.fs.Path target = HadoopFiles.qualify(location, conf);
        Path local = HadoopFiles.local(target);
        if (local != null) {
            write(local, writer);
            return;
        }
        FileSystem fs = target.getFileSystem(conf);
        if (!HadoopFiles.renamesAtomically(fs, conf)) {
            writeDirectly(fs, target, writer);
            return;
        }
        org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(target.getParent(), "." + target.getName()
                + ".tmp-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
        try {
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                writer.accept(new FlushOnClose(out));
                out.hsync(); // on the datanodes' disks before the new name points at the blocks
            }
            renameOver(fs, conf, tmp, target);
        } catch (IOException | RuntimeException | Error e) {
            try {
                fs.delete(tmp, false);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** An object store: the object appears when the stream closes; a failed writer's object is deleted again. */
    private static void writeDirectly(FileSystem fs, org.apache.hadoop.fs.Path target, IoConsumer<OutputStream> writer)
            throws IOException {
        try {
            try (FSDataOutputStream out = fs.create(target, true)) {
                writer.accept(new FlushOnClose(out));
            }
        } catch (IOException | RuntimeException | Error e) {
            try {
                fs.delete(target, false);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Renames {@code from} over {@code to}. {@link FileContext}'s rename with OVERWRITE replaces the target in one
     * step on HDFS ({@link FileSystem#rename} refuses an existing target); a file system that FileContext does
     * not know gets delete-then-rename, which has a moment without the target.
     */
    private static void renameOver(FileSystem fs, Configuration conf, org.apache.hadoop.fs.Path from,
                                   org.apache.hadoop.fs.Path to) throws IOException {
        FileContext context;
        try {
            context = FileContext.getFileContext(to.toUri(), conf);
        } catch (UnsupportedFileSystemException e) {
            context = null;
        }
        if (context != null) {
            context.rename(from, to, Options.Rename.OVERWRITE);
            return;
        }
        if (!fs.rename(from, to)) {
            fs.delete(to, false);
            if (!fs.rename(from, to)) {
                throw new IOException("cannot rename " + from + " to " + to);
            }
        }
    }

    /**
     * Makes the rename itself durable. Best effort: the file is already complete under its name, and some
     * platforms (Windows) cannot open a directory for this at all.
     */
    static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Nothing to do: the content is safe; only the rename might not survive a power cut.
        }
    }

    /**
     * Hands the writer a stream whose close() only flushes, so that a writer closing it (as Jackson does with
     * its target by default) does not close the channel before it is forced.
     */
    private static final class FlushOnClose extends OutputStream {
        private final OutputStream out;

        FlushOnClose(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
