package org.sparkmlp.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.Dependency;
import org.apache.spark.Partition;
import org.apache.spark.RangeDependency;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.rdd.ShuffledRDD;
import org.apache.spark.storage.StorageLevel;
import org.sparkmlp.nn.Precision;
import org.sparkmlp.nn.Scaling;
import scala.Tuple2;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Step 5 of building the sets, and the one way rows of any format become cached {@link Block}s: raw blocks
 * (whatever reader made them) in, bounded column-major blocks in float64 or float32 out, each value scaled in
 * double and then stored in the target precision.
 *
 * <ul>
 *   <li>{@link #pack}: the sets of a split, all through one shuffle. Each set's rows, in their original order,
 *       are cut into {@code partitions} equal ranges; every input partition sends packed pieces of its rows
 *       (never row objects, and inputs as read: IDX pixels stay bytes) through the shuffle. Each piece knows
 *       where its rows go in the target partition, so the target places them straight into bounded blocks of
 *       {@link Block#rowsFor} rows (the last one shorter) and hands every block to the cache as soon as it is
 *       full: no partition-sized array is ever built, and no value is copied twice. Placement by position fixes
 *       the bits whatever order the pieces arrive in; the shuffle also ends the lineage, so no later job
 *       re-ships input data.</li>
 *   <li>{@link #inOrder}: rows to blocks without a split, in input order and partitioning (evaluate,
 *       predict, and a Spark ML estimator's transform).</li>
 * </ul>
 */
public final class BlockPacker {
    private BlockPacker() {
    }

    /**
     * Every row in its original order and partitioning, in bounded blocks ({@code rowsPerBlock} rows, the last
     * of a partition shorter; none for an empty partition), labels mapped to {@code classes} (null: rows
     * without labels, class 0), {@code scaling} applied. Labels must already be known to be among the classes
     * ({@link LabelCensus#toClasses}); nothing is read until the blocks are asked for.
     */
    public static JavaRDD<Block> inOrder(JavaRDD<RawBlock> data, List<String> classes, Scaling scaling,
                                         Precision precision, int rowsPerBlock) {
        Map<String, Integer> index = classes == null ? null : LabelCensus.indexOf(classes);
        int features = scaling.features();
        Target target = new Target(1, features, rowsPerBlock > 0 ? rowsPerBlock : Block.rowsFor(features), precision);
        return data.mapPartitionsWithIndex((p, it) -> new InOrder(p, it, target, scaling, index, classes), true);
    }

    /**
     * The sets of a split, moved as packed pieces through <em>one</em> shuffle, so the raw rows are read once for
     * all of them: the map side cuts each raw block's rows of every set into pieces keyed (set, target
     * partition), and each set is an RDD of {@code target.partitions()} partitions over its slice of the shuffle's
     * reduce partitions. Nothing is read here: the blocks are marked for caching and computed by {@link #cache}
     * (or by the first job that reads them). A set's row count is known from the split, not counted.
     *
     * @param first {@link LabelCensus#firstBlocks}: partition p's j-th raw block is block first[p] + j
     * @param split the split, broadcast: it holds a few numbers per raw block and class
     * @param classes classes[q][id]: the class of label id of raw block q
     * @param wanted the sets to build; the others' rows are dropped
     * @return by set ({@link StratifiedSplit#TRAIN} …), the cached blocks, or null for a set not wanted or empty
     */
    static JavaRDD<Block>[] pack(JavaRDD<RawBlock> data, int[] first, Broadcast<StratifiedSplit> split,
                                 Broadcast<int[][]> classes, byte[] wanted, Target target,
                                 Broadcast<Scaling> scaling) {
        StratifiedSplit s = split.value();
        long[][] offsets = new long[3][];
        boolean any = false;
        for (byte set : wanted) {
            if (s.rows(set) > 0) {
                offsets[set] = s.offsets(set);
                any = true;
            }
        }
        @SuppressWarnings("unchecked")
        JavaRDD<Block>[] out = new JavaRDD[3];
        if (!any) {
            return out;
        }
        int partitions = target.partitions();
        JavaRDD<Tuple2<Integer, Piece>> pieces = data.mapPartitionsWithIndex(
                (p, it) -> new Cutter(it, first[p], split.value(), classes.value(), offsets, partitions), true);
        ShuffledRDD<Integer, Piece, Piece> moved = new ShuffledRDD<>(pieces.rdd(),
                new ExactPartitioner(3 * partitions), tag(Integer.class), tag(Piece.class), tag(Piece.class));
        for (byte set = 0; set < 3; set++) {
            if (offsets[set] != null) {
                long total = offsets[set][offsets[set].length - 1];
                out[set] = new JavaRDD<>(new Packed(moved, set, target, total, scaling), tag(Block.class));
                out[set].setName(StratifiedSplit.NAMES[set] + " blocks").persist(StorageLevel.MEMORY_AND_DISK());
            }
        }
        return out;
    }

    /**
     * Computes and caches the given sets' blocks in one job (in runs of consecutive partitions per executor when
     * there are more partitions than task slots, as a step's tasks read them: {@link PartitionGroups}); nulls
     * are skipped. Returns the blocks cached.
     */
    static long cache(List<JavaRDD<Block>> sets) {
        List<RDD<Block>> rdds = new ArrayList<>();
        for (JavaRDD<Block> set : sets) {
            if (set != null) {
                rdds.add(set.rdd());
            }
        }
        if (rdds.isEmpty()) {
            return 0;
        }
        int shift = PartitionGroups.shiftFor(rdds.get(0).getNumPartitions(), TaskSlots.of(rdds.get(0).context()));
        return PartitionGroups.cache(rdds, shift);
    }

    private static <T> ClassTag<T> tag(Class<T> type) {
        return ClassTag$.MODULE$.apply(type);
    }

    /**
     * The cached blocks of one set: its slice of the reduce side of the packing shuffle, as an RDD class of its
     * own. Every training step's task carries this RDD's lineage (up to the shuffle) and deserialises it; a named
     * class with plain fields costs a fraction of the lambdas that {@code values().mapPartitionsWithIndex} would
     * put there, each of which is resolved through reflection in every task. The scaling travels as a broadcast
     * reference: as a field its per-feature arrays (12.8 KB for 784 features) were three quarters of every step's
     * task binary, serialised per job and deserialised per task, while only a recomputed block needs them.
     * Partition t reads the shuffle's partition set·P + t (a {@link RangeDependency}): the three sets share one
     * shuffle, so its map side runs once.
     */
    private static final class Packed extends RDD<Block> {
        private static final long serialVersionUID = 1L;
        private final Target target;
        private final long total;
        private final Broadcast<Scaling> scaling;
        private final int from;

        Packed(RDD<Tuple2<Integer, Piece>> moved, byte set, Target target, long total, Broadcast<Scaling> scaling) {
            super(moved.context(), slice(moved, set * target.partitions(), target.partitions()), tag(Block.class));
            this.target = target;
            this.total = total;
            this.scaling = scaling;
            this.from = set * target.partitions();
        }

        private static Seq<Dependency<?>> slice(RDD<?> moved, int from, int length) {
            List<Dependency<?>> deps = List.of(new RangeDependency<>(moved, from, 0, length));
            return CollectionConverters.asScala(deps).toList();
        }

        @Override
        public scala.collection.Iterator<Block> compute(Partition split, TaskContext context) {
            @SuppressWarnings("unchecked")
            RDD<Tuple2<Integer, Piece>> moved = (RDD<Tuple2<Integer, Piece>>) (RDD<?>) firstParent(tag(Tuple2.class));
            scala.collection.Iterator<Tuple2<Integer, Piece>> in =
                    moved.iterator(((Slice) split).parent, context);
            Iterator<Piece> pieces = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return in.hasNext();
                }

                @Override
                public Piece next() {
                    return in.next()._2();
                }
            };
            return CollectionConverters.asScala(new Assembler(split.index(), pieces, target, total,
                    scaling.value()));
        }

        @Override
        public Partition[] getPartitions() {
            Partition[] parents = firstParent(tag(Tuple2.class)).partitions();
            Partition[] mine = new Partition[target.partitions()];
            for (int t = 0; t < mine.length; t++) {
                mine[t] = new Slice(t, parents[from + t]);
            }
            return mine;
        }
    }

    /** Partition t of a set: the shuffle's reduce partition it reads travels with it. */
    private static final class Slice implements Partition {
        private static final long serialVersionUID = 1L;
        private final int index;
        private final Partition parent;

        Slice(int index, Partition parent) {
            this.index = index;
            this.parent = parent;
        }

        @Override
        public int index() {
            return index;
        }

        @Override
        public int hashCode() {
            return index;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Slice s && s.index == index && s.parent.equals(parent);
        }
    }

    /** Where the blocks go: how many partitions, the width and length of a block, and its precision. */
    record Target(int partitions, int features, int rowsPerBlock, Precision precision) implements Serializable {
        /** First global row (of N) of partition t: rows g with ⌊g·P/N⌋ = t, so partitions differ by at most one row. */
        long start(int t, long total) {
            return ((long) t * total + partitions - 1) / partitions;
        }
    }

    /**
     * Rows of one set from one raw block bound for one target partition: their inputs as the raw block holds
     * them (doubles or pixel bytes), their class indices, and the position of the first of them in the target.
     */
    static final class Piece implements Serializable {
        private static final long serialVersionUID = 1L;
        int start;
        int features;
        int rows;
        double[] x;
        byte[] pixels;
        int[] y;

        /** For Kryo. */
        Piece() {
        }

        /** Scales feature values of row k in double and writes them, in the block's precision, from {@code at}. */
        void scaleRow(int k, double[] shift, double[] factor, double[] into64, float[] into32, int at) {
            int from = k * features;
            for (int f = 0; f < features; f++) {
                double v = x != null ? x[from + f] : pixels[from + f] & 0xff;
                double scaled = (v - shift[f]) * factor[f];
                if (into64 != null) {
                    into64[at + f] = scaled;
                } else {
                    into32[at + f] = (float) scaled;
                }
            }
        }
    }

    /**
     * The map side of the sets' shuffle: reads a partition's raw blocks one at a time, draws each block's rows'
     * sets ({@link StratifiedSplit#sets}) and cuts its rows of each wanted set into pieces by target partition
     * (global row g of a set of N rows goes to ⌊g·P/N⌋), keyed set·P + target.
     */
    private static final class Cutter implements Iterator<Tuple2<Integer, Piece>> {
        private final Iterator<RawBlock> blocks;
        private final StratifiedSplit split;
        private final int[][] toClass;
        private final long[][] offsets;
        private final int partitions;
        private int q;
        private final List<Tuple2<Integer, Piece>> ready = new ArrayList<>();
        private int next;

        Cutter(Iterator<RawBlock> blocks, int firstBlock, StratifiedSplit split, int[][] toClass, long[][] offsets,
               int partitions) {
            this.blocks = blocks;
            this.q = firstBlock;
            this.split = split;
            this.toClass = toClass;
            this.offsets = offsets;
            this.partitions = partitions;
        }

        @Override
        public boolean hasNext() {
            while (next == ready.size() && blocks.hasNext()) {
                ready.clear();
                next = 0;
                RawBlock b = blocks.next();
                int[] classOf = classesOf(b, toClass[q]);
                byte[] sets = split.sets(q, classOf);
                for (byte set = 0; set < 3; set++) {
                    if (offsets[set] != null) {
                        cut(b, q, sets, classOf, set);
                    }
                }
                q++;
            }
            return next < ready.size();
        }

        @Override
        public Tuple2<Integer, Piece> next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            Tuple2<Integer, Piece> piece = ready.get(next);
            ready.set(next++, null);
            return piece;
        }

        private void cut(RawBlock b, int q, byte[] mine, int[] classOf, byte set) {
            int n = b.features();
            long total = offsets[set][offsets[set].length - 1];
            int r = 0;
            long g = offsets[set][q];
            while (r < b.rows()) {
                if (mine[r] != set) {
                    r++;
                    continue;
                }
                int target = (int) (g * partitions / total);
                long targetStart = ((long) target * total + partitions - 1) / partitions;
                long targetEnd = ((long) (target + 1) * total + partitions - 1) / partitions;
                // Rows of this set from r on, until the target's range of global rows is full.
                int[] rows = new int[(int) Math.min(b.rows() - r, targetEnd - g)];
                Piece piece = new Piece();
                piece.start = (int) (g - targetStart);
                piece.features = n;
                while (r < b.rows() && g < targetEnd) {
                    if (mine[r] == set) {
                        rows[piece.rows++] = r;
                        g++;
                    }
                    r++;
                }
                piece.y = new int[piece.rows];
                if (b.holdsPixels()) {
                    piece.pixels = new byte[piece.rows * n];
                    for (int k = 0; k < piece.rows; k++) {
                        System.arraycopy(b.pixels(), rows[k] * n, piece.pixels, k * n, n);
                    }
                } else {
                    piece.x = new double[piece.rows * n];
                    for (int k = 0; k < piece.rows; k++) {
                        System.arraycopy(b.doubles(), rows[k] * n, piece.x, k * n, n);
                    }
                }
                for (int k = 0; k < piece.rows; k++) {
                    piece.y[k] = classOf[rows[k]];
                }
                ready.add(new Tuple2<>(set * partitions + target, piece));
            }
        }
    }

    /** The class of each row of a raw block, {@code toClass} mapping its label names to classes. */
    static int[] classesOf(RawBlock b, int[] toClass) {
        int[] classOf = new int[b.rows()];
        int[] labels = b.labels();
        for (int r = 0; r < classOf.length; r++) {
            classOf[r] = toClass[labels[r]];
        }
        return classOf;
    }

    /**
     * The reduce side: places each arriving piece's rows at their positions in target partition t's blocks
     * (allocating a block when its first row arrives) and hands out each block, in order, once all its rows are
     * there. With pieces in input order only the block being filled is held; in any order the result is the same.
     */
    private static final class Assembler implements Iterator<Block> {
        private final int t;
        private final Iterator<Piece> pieces;
        private final Target target;
        private final int rows;
        private final int blockCount;
        private final double[] shift;
        private final double[] factor;
        private final double[][] x64;
        private final float[][] x32;
        private final int[][] y;
        private final int[] filled;
        private int next;

        Assembler(int t, Iterator<Piece> pieces, Target target, long total, Scaling scaling) {
            this.t = t;
            this.pieces = pieces;
            this.target = target;
            this.rows = (int) (target.start(t + 1, total) - target.start(t, total));
            int r = target.rowsPerBlock();
            this.blockCount = (rows + r - 1) / r;
            this.shift = scaling.shift();
            this.factor = scaling.factor();
            this.x64 = target.precision() == Precision.FLOAT64 ? new double[blockCount][] : null;
            this.x32 = target.precision() == Precision.FLOAT32 ? new float[blockCount][] : null;
            this.y = new int[blockCount][];
            this.filled = new int[blockCount];
        }

        private int rowsOf(int b) {
            return Math.min(target.rowsPerBlock(), rows - b * target.rowsPerBlock());
        }

        @Override
        public boolean hasNext() {
            if (next < blockCount) {
                return true;
            }
            if (pieces.hasNext()) {
                throw new IllegalStateException("partition " + t + " received rows beyond its " + rows);
            }
            return false;
        }

        @Override
        public Block next() {
            if (next >= blockCount) {
                throw new java.util.NoSuchElementException();
            }
            int b = next;
            while (filled[b] < rowsOf(b)) {
                if (!pieces.hasNext()) {
                    throw new IllegalStateException("partition " + t + " received " + filled[b] + " of the "
                            + rowsOf(b) + " rows of its block " + b);
                }
                place(pieces.next());
            }
            Block block = x64 != null ? new Block(t, target.features(), rowsOf(b), x64[b], y[b])
                    : new Block(t, target.features(), rowsOf(b), x32[b], y[b]);
            if (x64 != null) {
                x64[b] = null;
            } else {
                x32[b] = null;
            }
            y[b] = null;
            next++;
            return block;
        }

        private void place(Piece piece) {
            int per = target.rowsPerBlock();
            int n = target.features();
            for (int k = 0; k < piece.rows; k++) {
                int position = piece.start + k;
                int b = position / per;
                int i = position % per;
                if (b < next || b >= blockCount) {
                    throw new IllegalStateException("partition " + t + " received row " + position + " twice or"
                            + " beyond its " + rows);
                }
                if (y[b] == null) {
                    int m = rowsOf(b);
                    y[b] = new int[m];
                    if (x64 != null) {
                        x64[b] = new double[m * n];
                    } else {
                        x32[b] = new float[m * n];
                    }
                }
                piece.scaleRow(k, shift, factor, x64 != null ? x64[b] : null, x32 != null ? x32[b] : null, i * n);
                y[b][i] = piece.y[k];
                filled[b]++;
            }
        }
    }

    /**
     * A partition's rows in input order as bounded blocks, for a model: full blocks of {@code rowsPerBlock}
     * rows, then the rest (trimmed). Labels are mapped through the model's classes when {@code index} is given.
     */
    private static final class InOrder implements Iterator<Block> {
        private final int p;
        private final Iterator<RawBlock> raw;
        private final Target target;
        private final double[] shift;
        private final double[] factor;
        private final Map<String, Integer> index;
        private final List<String> classes;
        private RawBlock current;
        private int[] local;
        private int row;

        InOrder(int p, Iterator<RawBlock> raw, Target target, Scaling scaling, Map<String, Integer> index,
                List<String> classes) {
            this.p = p;
            this.raw = raw;
            this.target = target;
            this.shift = scaling.shift();
            this.factor = scaling.factor();
            this.index = index;
            this.classes = classes;
        }

        @Override
        public boolean hasNext() {
            while (current == null || row == current.rows()) {
                if (!raw.hasNext()) {
                    return false;
                }
                current = raw.next();
                local = index == null ? null : localToClass(current.labelNames(), index);
                row = 0;
            }
            return true;
        }

        @Override
        public Block next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            int n = target.features();
            int capacity = target.rowsPerBlock();
            boolean doubles = target.precision() == Precision.FLOAT64;
            double[] row64 = doubles ? null : new double[n];
            double[] x = doubles ? new double[capacity * n] : null;
            float[] x32 = doubles ? null : new float[capacity * n];
            int[] y = new int[capacity];
            int rows = 0;
            while (rows < capacity && hasNext()) {
                RawBlock b = current;
                if (local != null) {
                    int c = local[b.labels()[row]];
                    if (c < 0) {
                        throw new IllegalStateException(b.source() + ": " + b.record(row) + ": label '"
                                + b.labelNames()[b.labels()[row]] + "' passed the census but is not one of " + classes);
                    }
                    y[rows] = c;
                }
                int at = rows * n;
                if (doubles) {
                    b.copyRow(row, x, at);
                    for (int f = 0; f < n; f++) {
                        x[at + f] = (x[at + f] - shift[f]) * factor[f];
                    }
                } else {
                    b.copyRow(row, row64, 0);
                    for (int f = 0; f < n; f++) {
                        x32[at + f] = (float) ((row64[f] - shift[f]) * factor[f]);
                    }
                }
                rows++;
                row++;
            }
            if (rows < capacity) {
                y = Arrays.copyOf(y, rows);
                if (doubles) {
                    x = Arrays.copyOf(x, rows * n);
                } else {
                    x32 = Arrays.copyOf(x32, rows * n);
                }
            }
            return doubles ? new Block(p, n, rows, x, y) : new Block(p, n, rows, x32, y);
        }
    }

    private static int[] localToClass(String[] names, Map<String, Integer> index) {
        int[] map = new int[names.length];
        for (int id = 0; id < names.length; id++) {
            map[id] = index.getOrDefault(names[id], -1);
        }
        return map;
    }

}
