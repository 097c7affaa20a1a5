package org.sparkmlp.data;

import java.io.EOFException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.zip.ZipException;

/**
 * Wraps a reading task's blocks so that a data error ends the partition with a {@link RawBlock#failure}
 * instead of failing the task: Spark would log the executor's stack trace and re-run the task up to {@code
 * spark.task.maxFailures} times, reading the same bad record again. Other exceptions (an I/O error that a
 * retry may cure, a bug) still fail the task. A corrupt compressed stream is deterministic, so it is a data
 * error too.
 */
final class ReadGuard implements Iterator<RawBlock> {
    private final Iterator<RawBlock> blocks;
    private final String source;
    private RawBlock failure;
    private boolean ended;

    private ReadGuard(Iterator<RawBlock> blocks, String source) {
        this.blocks = blocks;
        this.source = source;
    }

    /** {@code source}: the file named when a corrupt stream gives no message of its own. */
    static Iterator<RawBlock> of(Iterator<RawBlock> blocks, String source) {
        return new ReadGuard(blocks, source);
    }

    @Override
    public boolean hasNext() {
        if (failure != null) {
            return true;
        }
        if (ended) {
            return false;
        }
        try {
            return blocks.hasNext();
        } catch (RuntimeException e) {
            return fail(e);
        } catch (Exception e) {
            // Checked exceptions (a Hadoop record reader's IOException) pass through Scala iterators unchanged.
            return fail(e);
        }
    }

    @Override
    public RawBlock next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        if (failure != null) {
            RawBlock f = failure;
            failure = null;
            return f;
        }
        try {
            return blocks.next();
        } catch (RuntimeException e) {
            fail(e);
        } catch (Exception e) {
            fail(e);
        }
        RawBlock f = failure;
        failure = null;
        return f;
    }

    private boolean fail(Exception e) {
        DataFormatException data = dataError(e, source);
        if (data == null) {
            sneakyThrow(e);
        }
        failure = RawBlock.failure(data);
        ended = true;
        return true;
    }

    /** The data error {@code t} stands for (itself, or a corrupt stream of {@code source}), or null. */
    static DataFormatException dataError(Throwable t, String source) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof DataFormatException d) {
                return d;
            }
            if (c instanceof ZipException || c instanceof EOFException) {
                return new DataFormatException(source, null, "cannot be read: "
                        + (c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage())
                        + " (a corrupt or truncated file)");
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneakyThrow(Throwable e) throws E {
        throw (E) e;
    }
}
