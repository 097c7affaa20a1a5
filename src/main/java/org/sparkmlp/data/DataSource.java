package org.sparkmlp.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Where the rows come from: a path, its format (given or inferred), and the reading options; resolves them
 * into raw blocks for training (with an optional separate test set) or for a model's evaluate and predict.
 */
public record DataSource(String path, Format format, LabelColumn labelColumn, CsvReader.Header header)
        implements Serializable {

    /** The name that stands for the bundled handwritten-digits data. */
    public static final String BUNDLED_DIGITS = "bundled:digits";
    private static final String DIGITS_RESOURCE = "/org/sparkmlp/data/digits.csv.gz";

    public enum Format {
        CSV, IDX, AUTO;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Format fromId(String id) {
            for (Format f : values()) {
                if (f.id().equals(id)) {
                    return f;
                }
            }
            throw new IllegalArgumentException("unknown format '" + id + "' (expected csv or idx)");
        }
    }

    /**
     * Raw rows, the test rows that came with them (an IDX directory's t10k pair) or null, whether rows carry
     * labels, and a description.
     */
    public record Loaded(JavaRDD<RawBlock> data, JavaRDD<RawBlock> test, Format format, int features,
                         boolean labelled, String description) {
    }

    /** The format to read with: as given, or IDX for directories and *-ubyte names, else CSV. */
    public Format resolvedFormat(Configuration conf) {
        if (format != Format.AUTO) {
            return format;
        }
        return IdxReader.looksLikeIdx(conf, localPath()) ? Format.IDX : Format.CSV;
    }

    /**
     * Reads the rows for training. With {@code wantTest}, an IDX directory also yields its t10k pair as the
     * test set.
     */
    public Loaded loadForTraining(JavaSparkContext sc, int partitions, boolean wantTest) {
        Configuration conf = sc.hadoopConfiguration();
        Format f = resolvedFormat(conf);
        String p = localPath();
        if (f == Format.IDX) {
            IdxReader.Pair train = idxPair(conf, p, "train");
            JavaRDD<RawBlock> test = null;
            String description = "idx " + CsvReader.displayName(train.images());
            if (wantTest && isDirectory(conf, p)) {
                IdxReader.Pair t10k = IdxReader.findInDirectory(conf, p, "t10k");
                if (t10k != null) {
                    test = IdxReader.read(sc, t10k, partitions);
                    description += " + test " + CsvReader.displayName(t10k.images());
                }
            }
            return new Loaded(IdxReader.read(sc, train, partitions), test, f, train.features(), true, description);
        }
        CsvReader.Layout layout = CsvReader.layout(sc, p, header);
        if (!labelColumn.present()) {
            throw new IllegalArgumentException("training needs labels: --label-column cannot be none");
        }
        int features = layout.width() - 1;
        if (features < 1) {
            throw new DataFormatException(CsvReader.displayName(layout.firstFile()), null,
                    "records have " + layout.width() + " field(s): need a label and at least one input");
        }
        checkLabelColumn(layout);
        return new Loaded(CsvReader.read(sc, layout, labelColumn, header, features, partitions), null, f, features,
                true, "csv " + describe());
    }

    /**
     * Reads rows for a model with {@code inputs} inputs. For CSV the label column is present when records have
     * inputs + 1 fields, absent when they have exactly inputs (then {@link Loaded#labelled()} is false).
     */
    public Loaded loadForModel(JavaSparkContext sc, int inputs, int partitions) {
        Configuration conf = sc.hadoopConfiguration();
        Format f = resolvedFormat(conf);
        String p = localPath();
        if (f == Format.IDX) {
            IdxReader.Pair pair = isDirectory(conf, p) ? idxPair(conf, p, "t10k") : IdxReader.forImagesFile(conf, p);
            if (pair.features() != inputs) {
                throw new DataFormatException(CsvReader.displayName(pair.images()), "header", "images have "
                        + pair.features() + " pixels but the model takes " + inputs + " inputs");
            }
            return new Loaded(IdxReader.read(sc, pair, partitions), null, f, inputs, true,
                    "idx " + CsvReader.displayName(pair.images()));
        }
        CsvReader.Layout layout = CsvReader.layout(sc, p, header);
        LabelColumn label;
        if (layout.width() == inputs + 1 && labelColumn.present()) {
            label = labelColumn;
            checkLabelColumn(layout);
        } else if (layout.width() == inputs) {
            label = LabelColumn.NONE;
        } else {
            throw new DataFormatException(CsvReader.displayName(layout.firstFile()), "first record", "has "
                    + layout.width() + " fields but the model takes " + inputs + " inputs (expected " + inputs
                    + ", or " + (inputs + 1) + " with a label)");
        }
        return new Loaded(CsvReader.read(sc, layout, label, header, inputs, partitions), null, f, inputs,
                label.present(), "csv " + describe() + (label.present() ? "" : " (no labels)"));
    }

    private void checkLabelColumn(CsvReader.Layout layout) {
        int at = labelColumn.resolve(layout.width());
        if (at >= layout.width()) {
            throw new DataFormatException(CsvReader.displayName(layout.firstFile()), null, "--label-column " + at
                    + " is past the last of the " + layout.width() + " fields (columns count from 0)");
        }
    }

    private static IdxReader.Pair idxPair(Configuration conf, String p, String prefix) {
        if (isDirectory(conf, p)) {
            IdxReader.Pair pair = IdxReader.findInDirectory(conf, p, prefix);
            if (pair == null) {
                throw new DataFormatException(p, null, "has no " + prefix + "-images-idx3-ubyte[.gz]");
            }
            return pair;
        }
        return IdxReader.forImagesFile(conf, p);
    }

    private static boolean isDirectory(Configuration conf, String p) {
        try {
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(p);
            return path.getFileSystem(conf).getFileStatus(path).isDirectory();
        } catch (IOException e) {
            return false;
        }
    }

    private String describe() {
        return BUNDLED_DIGITS.equals(path) ? "bundled digits (UCI, 1,797 rows)" : path;
    }

    /** The path to read: the bundled data set is copied out of the jar to a temporary file once. */
    private String localPath() {
        return BUNDLED_DIGITS.equals(path) ? BundledDigits.file() : path;
    }

    /** The bundled digits, extracted from the classpath on first use and deleted when the JVM exits. */
    private static final class BundledDigits {
        private static String file;

        static synchronized String file() {
            if (file == null) {
                try (InputStream in = DataSource.class.getResourceAsStream(DIGITS_RESOURCE)) {
                    if (in == null) {
                        throw new IllegalStateException("the bundled data set " + DIGITS_RESOURCE + " is missing from the jar");
                    }
                    Path tmp = Files.createTempFile("spark-mlp-digits-", ".csv.gz");
                    tmp.toFile().deleteOnExit();
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    file = tmp.toString();
                } catch (IOException e) {
                    throw new IllegalStateException("cannot extract the bundled data set: " + e.getMessage(), e);
                }
            }
            return file;
        }
    }
}
