package org.sparkmlp.train;

import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Driver objects that local mode's tasks reach by number instead of receiving a serialised copy: in local mode
 * the executor is the driver's own JVM. A task carries the number; the driver keeps the object registered while
 * its jobs may run. Used for a step's weights ({@link ShippedWeights.Shared}), the cached blocks
 * ({@link LocalBlocks}) and the sums the tasks write into ({@link LocalBackend}); the engine releases what its
 * backend registered when it is closed.
 */
final class InProcess {
    private static final ConcurrentHashMap<Long, Object> LIVE = new ConcurrentHashMap<>();
    private static final AtomicLong NEXT = new AtomicLong();

    private InProcess() {
    }

    /** Registers {@code value} until {@link #release}; returns its number. */
    static long hold(Object value) {
        long id = NEXT.incrementAndGet();
        LIVE.put(id, value);
        return id;
    }

    /**
     * Registers {@code value} for as long as something else on the driver keeps it reachable (the object that
     * owns it, which need not release it); returns its number.
     */
    static long holdWeakly(Object value) {
        LIVE.values().removeIf(v -> v instanceof WeakReference<?> ref && ref.get() == null);
        long id = NEXT.incrementAndGet();
        LIVE.put(id, new WeakReference<>(value));
        return id;
    }

    /**
     * The object registered as {@code id}. Fails, naming {@code what}, once it is released or gone: only a task
     * that outlived its job, or its engine, can get there.
     */
    static Object get(long id, String what) {
        Object value = LIVE.get(id);
        if (value instanceof WeakReference<?> ref) {
            value = ref.get();
        }
        if (value == null) {
            throw new IllegalStateException(what + " #" + id + " are no longer held by the driver: the job or engine"
                    + " they served is over");
        }
        return value;
    }

    static void release(long id) {
        LIVE.remove(id);
    }

    /**
     * Every registered number (for tests), weakly held ones included until a later {@link #holdWeakly} sweeps
     * those whose object is gone.
     */
    static int entries() {
        return LIVE.size();
    }

    /** Objects held until released (for tests): not the weakly held ones. */
    static long held() {
        return LIVE.values().stream().filter(v -> !(v instanceof WeakReference<?>)).count();
    }
}
