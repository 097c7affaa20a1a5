package org.sparkmlp.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;

/**
 * Step 1 of building the sets: what the driver learns of the rows before anything is split or packed. One job
 * reads every raw block and sends back, in input order (partition, then block), its source, width, label
 * names and how many rows carry each name: a few numbers per raw block and label, never one per row. A data
 * error met while reading arrives here as a value ({@link RawBlock#failure}) and is thrown on the driver by
 * {@link #take}, as one {@link DataFormatException}, without a failed task.
 *
 * <p>Index q of the census is raw block q in input order; {@link #firstBlocks} maps partitions to it.
 */
final class LabelCensus {
    /** One raw block as the driver sees it. */
    static final class Entry implements Serializable {
        private static final long serialVersionUID = 1L;
        int partition;
        String source;
        int features;
        int rows;
        String[] names;
        /** counts[id]: the rows labelled {@link #names}[id]. */
        int[] counts;
        /** The record of the first row carrying each name, for messages. */
        String[] firstRecord;
        /** A data error that ended this partition's read, or null. */
        String error;

        /** For Kryo. */
        Entry() {
        }
    }

    private final Entry[] entries;
    private final String name;

    private LabelCensus(Entry[] entries, String name) {
        this.entries = entries;
        this.name = name;
    }

    /**
     * Reads every raw block once and throws the first data error in input order.
     *
     * @param labelled whether every row must carry a label
     * @param name what to call the data in messages when it has no rows at all
     */
    static LabelCensus take(JavaRDD<RawBlock> data, boolean labelled, String name) {
        List<Entry> list = data.mapPartitionsWithIndex((p, it) -> {
            List<Entry> out = new ArrayList<>();
            while (it.hasNext()) {
                RawBlock b = it.next();
                Entry c = new Entry();
                c.partition = p;
                out.add(c);
                if (b.error() != null) {
                    c.error = b.error();
                    break;
                }
                c.source = b.source();
                c.features = b.features();
                c.rows = b.rows();
                c.names = b.labelNames();
                c.counts = new int[b.labelNames().length];
                c.firstRecord = new String[b.labelNames().length];
                for (int r = 0; r < b.rows(); r++) {
                    int id = b.labels()[r];
                    if (id < 0) {
                        if (labelled) {
                            c.error = new DataFormatException(b.source(), b.record(r), "has no label").template();
                            break;
                        }
                        continue;
                    }
                    c.counts[id]++;
                    if (c.firstRecord[id] == null) {
                        c.firstRecord[id] = b.record(r);
                    }
                }
                if (c.error != null) {
                    break;
                }
            }
            return out.iterator();
        }, true).collect();
        for (Entry e : list) {
            if (e.error != null) {
                throw new DataFormatException(e.error);
            }
        }
        return new LabelCensus(list.toArray(new Entry[0]), name);
    }

    /** Raw blocks in input order. */
    int blocks() {
        return entries.length;
    }

    /**
     * counts[q][c]: the rows of class c in raw block q, {@code toClass} ({@link #toClasses}) mapping each block's
     * label names to classes.
     */
    int[][] classCounts(int[][] toClass, int classCount) {
        int[][] counts = new int[entries.length][classCount];
        for (int q = 0; q < entries.length; q++) {
            for (int id = 0; id < entries[q].names.length; id++) {
                counts[q][toClass[q][id]] += entries[q].counts[id];
            }
        }
        return counts;
    }

    /** Rows per raw block, in input order. */
    int[] blockRows() {
        int[] rows = new int[entries.length];
        for (int q = 0; q < entries.length; q++) {
            rows[q] = entries[q].rows;
        }
        return rows;
    }

    long rows() {
        long n = 0;
        for (Entry e : entries) {
            n += e.rows;
        }
        return n;
    }

    /** The file named in messages about the data as a whole: the first block's, or the name given. */
    String source() {
        for (Entry e : entries) {
            if (e.rows > 0) {
                return e.source;
            }
        }
        return name;
    }

    /** The input width: every block of one read has the same. */
    int features() {
        for (Entry e : entries) {
            if (e.rows > 0) {
                return e.features;
            }
        }
        return entries.length > 0 ? entries[0].features : 0;
    }

    /** Fails unless the data has at least one row. */
    void requireRows() {
        if (rows() == 0) {
            throw new DataFormatException(source(), null, "holds no records");
        }
    }

    /** Fails, naming the first block of other width, unless every row has {@code features} inputs. */
    void requireFeatures(int features, String what) {
        for (Entry e : entries) {
            if (e.rows > 0 && e.features != features) {
                throw new DataFormatException(e.source, null, "has " + e.features + " input features but " + what
                        + " has " + features);
            }
        }
    }

    /** first[p] = the number of raw blocks in partitions before p: partition p's j-th block is block first[p] + j. */
    int[] firstBlocks(int partitions) {
        int[] first = new int[partitions + 1];
        for (Entry c : entries) {
            first[c.partition + 1]++;
        }
        for (int p = 0; p < partitions; p++) {
            first[p + 1] += first[p];
        }
        return first;
    }

    /** Step 2: the sorted union of the label names, numerically when all are integers, else as text. */
    List<String> classes() {
        TreeSet<String> names = new TreeSet<>();
        for (Entry c : entries) {
            names.addAll(Arrays.asList(c.names));
        }
        List<String> list = new ArrayList<>(names);
        boolean numeric = list.stream().allMatch(s -> s.matches("[+-]?\\d{1,18}"));
        if (numeric) {
            list.sort(Comparator.comparingLong(Long::parseLong));
        }
        return list;
    }

    /**
     * Each block's label indices mapped to class indices: map[q][id]. A label that is not among {@code classes}
     * fails naming the first record that carries it.
     */
    int[][] toClasses(List<String> classes) {
        Map<String, Integer> index = indexOf(classes);
        int[][] map = new int[entries.length][];
        for (int q = 0; q < entries.length; q++) {
            Entry e = entries[q];
            map[q] = new int[e.names.length];
            for (int id = 0; id < e.names.length; id++) {
                Integer c = index.get(e.names[id]);
                if (c == null) {
                    throw new DataFormatException(e.source, e.firstRecord[id], "label '" + e.names[id]
                            + "' is not one of the model's classes " + classes);
                }
                map[q][id] = c;
            }
        }
        return map;
    }

    static Map<String, Integer> indexOf(List<String> classes) {
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            index.put(classes.get(i), i);
        }
        return index;
    }
}
