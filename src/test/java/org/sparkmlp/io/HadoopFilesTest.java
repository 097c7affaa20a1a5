package org.sparkmlp.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkmlp.nn.Activation;
import org.sparkmlp.nn.Architecture;
import org.sparkmlp.nn.Loss;
import org.sparkmlp.nn.Network;
import org.sparkmlp.nn.Scaling;
import org.sparkmlp.testing.LocalStoreFileSystem;

/**
 * Outputs and model files on Hadoop file systems other than the local disk, through {@link LocalStoreFileSystem}
 * (the local disk under the scheme {@code mlpstore:}): as an object store (direct writes, _SUCCESS last) and, by
 * configuration, as a store that renames atomically (temporary name, then rename).
 */
class HadoopFilesTest {
    @TempDir
    Path dir;

    private Configuration objectStore;
    private Configuration renamingStore;

    @BeforeEach
    void stores() {
        objectStore = new Configuration();
        objectStore.set("fs.mlpstore.impl", LocalStoreFileSystem.class.getName());
        objectStore.setBoolean("fs.mlpstore.impl.disable.cache", true);
        renamingStore = new Configuration(objectStore);
        renamingStore.set(HadoopFiles.ATOMIC_RENAME_SCHEMES, "hdfs,mlpstore");
    }

    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Network model() {
        Architecture arch = new Architecture(new int[] {2, 3, 2}, Activation.TANH);
        double[] p = arch.glorotUniform(7);
        p[0] = Math.nextUp(0.1); // a value whose decimal text must round-trip exactly
        return new Network(arch, Loss.CROSS_ENTROPY, p, new Scaling(Scaling.Kind.NONE, new double[2], new double[] {1, 1}),
                List.of("a", "b"), Map.of("seed", 7));
    }

    @Test
    void objectStoreWritesInPlaceAndMarksCompletionLast() throws IOException {
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve(OutputDir.SUCCESS), ""); // an earlier run's marker
        OutputDir files = OutputDir.prepare(LocalStoreFileSystem.location(out), objectStore);
        assertTrue(files.usesMarker());
        assertEquals(List.of(), names(out), "the earlier marker is gone before anything is written");

        Network model = model();
        files.writeModel("model.json", model);
        files.writeString("summary.json", "{}\n");
        assertEquals(List.of("model.json", "summary.json"), names(out), "no marker before commit, no temporary files");
        files.commit();
        assertEquals(List.of(OutputDir.SUCCESS, "model.json", "summary.json"), names(out));
        assertEquals(0, Files.size(out.resolve(OutputDir.SUCCESS)));

        Network back = ModelFile.read(files.path("model.json"), objectStore);
        assertArrayEquals(model.parameters(), back.parameters());
        assertEquals(ModelFile.toJson(model), Files.readString(out.resolve("model.json")), "the same bytes as on disk");
    }

    @Test
    void objectStoreDeletesWhatAFailedWriterBegan() throws IOException {
        Path out = dir.resolve("out");
        OutputDir files = OutputDir.prepare(LocalStoreFileSystem.location(out), objectStore);
        assertThrows(UncheckedIOException.class, () -> files.write("predictions.csv", s -> {
            s.write("predicted\n".getBytes());
            throw new UncheckedIOException(new IOException("executor lost"));
        }));
        assertEquals(List.of(), names(out));
    }

    @Test
    void renamingStoreReplacesThroughATemporaryNameAndKeepsTheOldFileOnFailure() throws IOException {
        Path out = dir.resolve("out");
        OutputDir files = OutputDir.prepare(LocalStoreFileSystem.location(out), renamingStore);
        assertFalse(files.usesMarker());
        files.writeString("metrics.jsonl", "{\"epoch\":1}\n");
        files.writeString("metrics.jsonl", "{\"epoch\":1}\n{\"epoch\":2}\n");
        assertEquals("{\"epoch\":1}\n{\"epoch\":2}\n", Files.readString(out.resolve("metrics.jsonl")));
        assertThrows(IOException.class, () -> files.write("metrics.jsonl", s -> {
            s.write("{\"epo".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("{\"epoch\":1}\n{\"epoch\":2}\n", Files.readString(out.resolve("metrics.jsonl")));
        files.commit();
        assertEquals(List.of("metrics.jsonl"), names(out), "no temporary file and no marker");
    }

    @Test
    void fileUrisAndSchemeLessPathsAreTheLocalDiskWithoutChecksumFiles() throws IOException {
        Configuration local = new Configuration();
        Network model = model();
        Path a = dir.resolve("a");
        OutputDir files = OutputDir.prepare(a.toUri().toString(), local); // file:///...
        files.writeModel("model.json", model);
        OutputDir plain = OutputDir.prepare(dir.resolve("b").toString(), local); // scheme-less: fs.defaultFS, file:///
        plain.writeModel("model.json", model);
        plain.commit();
        assertEquals(List.of("model.json"), names(a));
        assertEquals(List.of("model.json"), names(dir.resolve("b")));
        assertEquals(Files.readString(a.resolve("model.json")), Files.readString(dir.resolve("b/model.json")));
        assertArrayEquals(model.parameters(), ModelFile.read(a.resolve("model.json").toUri().toString(), local).parameters());
    }

    @Test
    void missingOrUnreachableModelsAreNamedAsGiven() {
        String missing = LocalStoreFileSystem.location(dir.resolve("nope.json"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.read(missing, objectStore));
        assertEquals(missing + ": no such file", e.getMessage());
        e = assertThrows(ModelFormatException.class, () -> ModelFile.read("nosuchfs://host/m.json", objectStore));
        assertTrue(e.getMessage().startsWith("nosuchfs://host/m.json: cannot be read: "), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void anOutputDirectoryThatIsAFileIsRefused() throws IOException {
        Path file = dir.resolve("taken");
        Files.writeString(file, "x");
        assertThrows(IOException.class, () -> OutputDir.prepare(LocalStoreFileSystem.location(file), objectStore));
        assertThrows(IOException.class, () -> OutputDir.prepare(file.toString(), new Configuration()));
    }

    @Test
    void sparkHadoopSettingsReachTheConfiguration() {
        System.setProperty("spark.hadoop.fs.mlpstore.impl", LocalStoreFileSystem.class.getName());
        try {
            assertEquals(LocalStoreFileSystem.class.getName(), HadoopFiles.configuration().get("fs.mlpstore.impl"));
        } finally {
            System.clearProperty("spark.hadoop.fs.mlpstore.impl");
        }
    }
}
