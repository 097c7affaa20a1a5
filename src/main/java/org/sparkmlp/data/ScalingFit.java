package org.sparkmlp.data;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.sparkmlp.nn.Scaling;

/**
 * Step 4 of building the sets: the scaling, fitted on the training rows alone. Minmax and standard take one
 * Welford pass per input partition ({@link FeatureStats}) and merge the partitions' stats on the driver in
 * partition order, so the same input partitioning gives the same bits.
 */
final class ScalingFit {
    private ScalingFit() {
    }

    /**
     * @param first {@link LabelCensus#firstBlocks}: partition p's j-th raw block is block first[p] + j
     * @param split the split, broadcast: each raw block draws its rows' sets from it, as the packing does
     * @param toClass toClass[q][id]: the class of label id of raw block q, broadcast
     * @param source the data's name, for a message about a range too wide to scale
     */
    static Scaling fit(JavaRDD<RawBlock> data, int[] first, Broadcast<StratifiedSplit> split,
                       Broadcast<int[][]> toClass, int features,
                       Scaling.Kind kind, String source) {
        switch (kind) {
            case NONE:
                return Scaling.none(features);
            case PIXEL:
                return Scaling.pixel(features);
            default:
                break;
        }
        List<FeatureStats> parts = data.mapPartitionsWithIndex((p, it) -> {
            FeatureStats s = new FeatureStats(features);
            double[] row = new double[features];
            for (int q = first[p]; it.hasNext(); q++) {
                RawBlock b = it.next();
                byte[] mine = split.value().sets(q, BlockPacker.classesOf(b, toClass.value()[q]));
                for (int r = 0; r < b.rows(); r++) {
                    if (mine[r] == StratifiedSplit.TRAIN) {
                        b.copyRow(r, row, 0);
                        s.add(row, 0);
                    }
                }
            }
            return List.of(s).iterator();
        }, true).collect();
        FeatureStats all = new FeatureStats(features);
        for (FeatureStats s : parts) {
            all.merge(s);
        }
        double[] min = all.min();
        double[] max = all.max();
        double[] std = all.std();
        for (int f = 0; f < features; f++) {
            // Finite values can still span more than a double holds (e.g. -1e308 and 1e308).
            double spread = kind == Scaling.Kind.STANDARD ? std[f] : max[f] - min[f];
            // A spread too wide for a double, or so narrow (subnormal) that its reciprocal is infinite.
            if (!Double.isFinite(max[f] - min[f]) || !Double.isFinite(spread)
                    || (spread > 0.0 && !Double.isFinite(1.0 / spread))) {
                throw new DataFormatException(source, null, "input " + (f + 1) + " ranges from " + min[f] + " to "
                        + max[f] + ": too wide or too narrow to scale in double precision");
            }
        }
        return kind == Scaling.Kind.MINMAX ? Scaling.minmax(min, max) : Scaling.standard(all.mean(), std);
    }
}
