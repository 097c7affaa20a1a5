package org.sparkmlp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkmlp.optim.EarlyStopping;
import org.sparkmlp.optim.Optimizer;
import org.sparkmlp.optim.OptimizerState;
import org.sparkmlp.optim.TrainingState;

class CheckpointFileTest {
    private static final CheckpointFile.Fingerprint DATA =
            new CheckpointFile.Fingerprint(100, 10, 20, 4, List.of("a", "b"), "0badc0de");

    private static CheckpointFile.Content content(long step) {
        double[] w = {1.5, -0.0, Double.MIN_VALUE, 3e300};
        OptimizerState adam = new OptimizerState(Optimizer.Kind.ADAM, step,
                new double[][] {{0.1, 0.2, 0.3, 0.4}, {1, 2, 3, 4}});
        TrainingState s = new TrainingState(w, adam, step, 3,
                new EarlyStopping.Progress(2, Double.POSITIVE_INFINITY, 1), new double[] {9, 8, 7, 6});
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("lr", 0.1);
        config.put("seed", 42L);
        config.put("hidden", List.of(10));
        return new CheckpointFile.Content(s, config, DATA);
    }

    @Test
    void roundTripsTheWholeStateBitForBit() throws Exception {
        CheckpointFile.Content c = content(120);
        CheckpointFile.Content back = CheckpointFile.fromBytes(CheckpointFile.toBytes(c, "test"), "x.ckpt");
        assertEquals(c.state(), back.state());
        assertEquals(DATA, back.data());
        assertNull(CheckpointFile.configDifference(back.config(), c.config()));
        assertNull(CheckpointFile.dataDifference(back.data(), DATA));
    }

    @Test
    void roundTripsAPositionInsideAnEpoch() throws Exception {
        TrainingState s = content(120).state();
        TrainingState.Position inside = new TrainingState.Position(7, 0.1 + 0.2, 99, 112, 1.0 / 3, 0.002);
        TrainingState mid = new TrainingState(s.weights(), s.optimizer(), 120, 3, inside, s.progress(), s.bestWeights());
        CheckpointFile.Content c = new CheckpointFile.Content(mid, content(120).config(), DATA);
        TrainingState back = CheckpointFile.fromBytes(CheckpointFile.toBytes(c, "test"), "x.ckpt").state();
        assertEquals(mid, back);
        assertEquals(inside, back.position()); // the running sums too, to the bit
    }

    /** A file of version 1 (epoch ends only, {@code "position": 0}), as the previous release wrote it. */
    @Test
    void readsVersionOneFiles() throws Exception {
        byte[] v2 = CheckpointFile.toBytes(content(120), "test");
        ByteBuffer buf = ByteBuffer.wrap(v2).order(ByteOrder.LITTLE_ENDIAN);
        int h = buf.getInt(12);
        String header = new String(v2, 16, h, java.nio.charset.StandardCharsets.UTF_8)
                .replaceFirst("\"version\":2", "\"version\":1")
                .replaceFirst("\"position\":\\{[^}]*}", "\"position\":0");
        assertTrue(header.contains("\"position\":0,"), header);
        byte[] head = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int arrays = v2.length - 12 - 16 - h;
        ByteBuffer v1 = ByteBuffer.allocate(16 + head.length + arrays + 12).order(ByteOrder.LITTLE_ENDIAN);
        v1.put(v2, 0, 8).putInt(1).putInt(head.length).put(head).put(v2, 16 + h, arrays).putLong(v1.capacity());
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(v1.array(), 0, v1.position());
        v1.putInt((int) crc.getValue());
        CheckpointFile.Content back = CheckpointFile.fromBytes(v1.array(), "v1.ckpt");
        assertEquals(content(120).state(), back.state());
        assertTrue(back.state().position().atStart());
    }

    @Test
    void writesLittleEndianWithLengthAndCrcTrailer() {
        byte[] b = CheckpointFile.toBytes(content(1), "test");
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals("SMLPCKPT", new String(b, 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(CheckpointFile.VERSION, buf.getInt(8));
        assertEquals(b.length, buf.getLong(b.length - 12));
        int h = buf.getInt(12);
        assertEquals(1.5, buf.getDouble(16 + h)); // weights come first
    }

    @Test
    void rejectsTruncatedAndCorruptFilesNamingThem() {
        byte[] b = CheckpointFile.toBytes(content(1), "test");
        byte[] cut = java.util.Arrays.copyOf(b, b.length - 20);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> CheckpointFile.fromBytes(cut, "cut.ckpt"));
        assertTrue(e.getMessage().startsWith("cut.ckpt: "), e.getMessage());
        byte[] flipped = b.clone();
        flipped[b.length / 2] ^= 1;
        e = assertThrows(CheckpointFormatException.class, () -> CheckpointFile.fromBytes(flipped, "bad.ckpt"));
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
    }

    @Test
    void namesTheFirstConfigurationDifference() {
        Map<String, Object> other = new LinkedHashMap<>(content(1).config());
        other.put("lr", 0.2);
        assertEquals("lr 0.2 differs from the checkpoint's 0.1",
                CheckpointFile.configDifference(content(1).config(), other));
        assertEquals("the data's train_checksum 00000001 differs from the checkpoint's 0badc0de",
                CheckpointFile.dataDifference(DATA, new CheckpointFile.Fingerprint(100, 10, 20, 4, List.of("a", "b"),
                        "00000001")));
    }

    @Test
    void keepsTheNewestKAndSkipsAPartialFileWithAWarning(@TempDir Path dir) throws IOException {
        Checkpoints store = new Checkpoints(dir.toString(), new Configuration(), 2);
        for (long step : new long[] {10, 20, 30}) {
            store.save(content(step), "test");
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of("checkpoint-000000020.ckpt", "checkpoint-000000030.ckpt"),
                    files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ckpt")).sorted().toList());
        }
        byte[] whole = Files.readAllBytes(dir.resolve("checkpoint-000000030.ckpt"));
        Files.write(dir.resolve("checkpoint-000000040.ckpt"), java.util.Arrays.copyOf(whole, whole.length / 2));
        List<String> warnings = new ArrayList<>();
        Checkpoints.Found found = store.newest(warnings::add);
        assertEquals("checkpoint-000000030.ckpt", found.name());
        assertEquals(30, found.content().state().step());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("checkpoint-000000040.ckpt"), warnings.get(0));
    }
}
