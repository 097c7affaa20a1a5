package org.sparkmlp.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;
import org.sparkmlp.data.Block;
import org.sparkmlp.data.CachedSets;
import org.sparkmlp.io.CheckpointFile;

/**
 * The fingerprint a checkpoint stores of the data it was trained on ({@link CheckpointFile.Fingerprint}).
 *
 * <p>The checksum is taken over the cached training blocks, not the files read: one Spark job, a pass over data
 * already in memory, and it covers exactly what training sees — the split, the scaling and the precision as
 * well as the file's values — in partition order. Each partition's CRC-32 covers its blocks' sizes, inputs (as
 * their IEEE bits) and labels; the driver folds the partitions' CRCs, in partition order, into one.
 */
public final class DataFingerprint {
    private DataFingerprint() {
    }

    public static CheckpointFile.Fingerprint of(CachedSets data) {
        List<Long> parts = data.train().mapPartitions(DataFingerprint::partitionCrc).collect();
        CRC32 all = new CRC32();
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        for (long p : parts) {
            b.clear();
            all.update(b.putLong(p).array());
        }
        return new CheckpointFile.Fingerprint(data.trainRows(), data.validationRows(), data.testRows(),
                data.features(), data.classes(), String.format(Locale.ROOT, "%08x", all.getValue()));
    }

    private static Iterator<Long> partitionCrc(Iterator<Block> blocks) {
        CRC32 crc = new CRC32();
        while (blocks.hasNext()) {
            Block block = blocks.next();
            int n = block.features() * block.rows();
            ByteBuffer b = ByteBuffer.allocate(8 + n * (block.x() != null ? 8 : 4) + 4 * block.rows())
                    .order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(block.features()).putInt(block.rows());
            for (int i = 0; i < n; i++) {
                if (block.x() != null) {
                    b.putLong(Double.doubleToRawLongBits(block.x()[i]));
                } else {
                    b.putInt(Float.floatToRawIntBits(block.xFloat()[i]));
                }
            }
            for (int i = 0; i < block.rows(); i++) {
                b.putInt(block.y()[i]);
            }
            crc.update(b.array());
        }
        return List.of(crc.getValue()).iterator();
    }
}
