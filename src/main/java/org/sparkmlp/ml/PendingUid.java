package org.sparkmlp.ml;

/**
 * Hands a uid to a Java subclass of a Spark ML class before its Scala base constructor runs. The base classes
 * create their shared Params ({@code featuresCol}, {@code labelCol}, …) in their constructors, and each Param
 * records {@code uid()} of its owner then; a Java field is assigned only after {@code super()} returns, so
 * {@code uid()} reads the uid held here until the field is set. Scala passes {@code uid} as a constructor
 * parameter, which it assigns before {@code super()}: Java has no such way.
 */
final class PendingUid {
    private static final ThreadLocal<String> HELD = new ThreadLocal<>();

    /** The token a constructor passes to its private constructor: taking it ends the hold. */
    static final class Token {
        private Token() {
        }

        String take() {
            String uid = HELD.get();
            HELD.remove();
            return uid;
        }
    }

    private PendingUid() {
    }

    static Token hold(String uid) {
        if (uid == null || uid.isEmpty()) {
            throw new IllegalArgumentException("a uid must not be empty");
        }
        HELD.set(uid);
        return new Token();
    }

    /** The uid being constructed on this thread, for {@code uid()} while the field is still null. */
    static String current() {
        return HELD.get();
    }
}
