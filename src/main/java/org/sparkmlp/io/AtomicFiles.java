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

/**
 * Writes files so that a reader, or the file system after a crash, sees either the old content or the complete
 * new content, never a prefix: the bytes go to a temporary file in the target's directory, are forced to disk,
 * and the temporary file is then renamed over the target with an atomic move.
 *
 * <p>The temporary file must be in the same directory because only a rename within one file system is atomic;
 * an {@link java.nio.file.AtomicMoveNotSupportedException} is passed on rather than falling back to a copy, which
 * would lose the guarantee. The new file gets the permissions of any newly created file (the umask), not those
 * of the file it replaces.
 */
public final class AtomicFiles {

    /** An action on a value that may throw {@link IOException}, which {@link java.util.function.Consumer} may not. */
    @FunctionalInterface
    public interface IoConsumer<T> {
        void accept(T value) throws IOException;
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

    /**
     * Makes the rename itself durable. Best effort: the file is already complete under its name, and some
     * platforms (Windows) cannot open a directory for this at all.
     */
    private static void forceDirectory(Path dir) {
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
