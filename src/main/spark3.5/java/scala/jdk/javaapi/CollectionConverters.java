package scala.jdk.javaapi;

import scala.collection.JavaConverters;
import scala.collection.mutable.Buffer;

/**
 * Scala 2.13's Java-side collection converters, for the Scala 2.12 build (the {@code spark3.5} Maven profile
 * compiles this directory; the Spark 4 build never sees it). Scala 2.12's library has no
 * {@code scala.jdk.javaapi}, and scala-collection-compat backports only the Scala-side
 * {@code scala.jdk.CollectionConverters}; so the sources keep 2.13's calls and this class answers the few of
 * them that spark-mlp makes, with 2.12's {@link JavaConverters}. The results are the same wrappers.
 *
 * <p>Only the overloads that spark-mlp calls are here: add one when a new call needs it.
 */
public final class CollectionConverters {
    private CollectionConverters() {
    }

    /** A Scala iterator over {@code it}'s elements (a wrapper, not a copy). */
    public static <A> scala.collection.Iterator<A> asScala(java.util.Iterator<A> it) {
        return JavaConverters.asScalaIterator(it);
    }

    /** A mutable Scala buffer backed by {@code list} (a wrapper, not a copy). */
    public static <A> Buffer<A> asScala(java.util.List<A> list) {
        return JavaConverters.asScalaBuffer(list);
    }
}
