package org.sparkmlp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    /** File names in {@code d}, sorted: shows any temporary file left behind. */
    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void writesContentAndCreatesParentDirectories() throws IOException {
        Path target = dir.resolve("a/b/out.txt");
        AtomicFiles.writeString(target, "hello, wörld\n");
        assertEquals("hello, wörld\n", Files.readString(target, StandardCharsets.UTF_8));
        assertEquals(List.of("out.txt"), names(target.getParent()));
    }

    @Test
    void replacesAnExistingFile() throws IOException {
        Path target = dir.resolve("out.txt");
        Files.writeString(target, "old content that is longer than the new one");
        AtomicFiles.writeString(target, "new");
        assertEquals("new", Files.readString(target));
        assertEquals(List.of("out.txt"), names(dir));
    }

    @Test
    void streamWriterMayWriteMuchAndClose() throws IOException {
        Path target = dir.resolve("big.bin");
        byte[] block = new byte[100_000];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) i;
        }
        AtomicFiles.write(target, out -> {
            for (int k = 0; k < 10; k++) {
                out.write(block);
            }
            out.close(); // as a JsonGenerator does with its target: must not break the fsync
        });
        byte[] read = Files.readAllBytes(target);
        assertEquals(10 * block.length, read.length);
        assertArrayEquals(block, java.util.Arrays.copyOfRange(read, 9 * block.length, read.length));
        assertEquals(List.of("big.bin"), names(dir));
    }

    @Test
    void failingWriterLeavesNeitherTargetNorTemporaryFile() throws IOException {
        Path target = dir.resolve("out.txt");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write(new byte[200_000]); // more than the buffer: part of it is already in the temporary file
            throw new IOException("disk full (simulated)");
        }));
        assertEquals("disk full (simulated)", e.getMessage());
        assertFalse(Files.exists(target));
        assertEquals(List.of(), names(dir));
    }

    @Test
    void failingWriterLeavesTheOldTargetUnchanged() throws IOException {
        Path target = dir.resolve("out.txt");
        Files.writeString(target, "old");
        assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(target, out -> {
            out.write("new, half-written".getBytes(StandardCharsets.UTF_8));
            out.flush();
            throw new UncheckedIOException(new IOException("failed half-way"));
        }));
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("out.txt"), names(dir));
    }
}
