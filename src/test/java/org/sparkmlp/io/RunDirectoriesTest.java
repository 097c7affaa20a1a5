package org.sparkmlp.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkmlp.testing.LocalStoreFileSystem;

class RunDirectoriesTest {
    private static final Instant START = Instant.parse("2026-11-27T21:05:03.750Z");

    @TempDir
    Path dir;

    private RunDirectories local() {
        return RunDirectories.at(dir.resolve("runs").toString(), new Configuration());
    }

    /** File names in {@code d}, sorted: shows any temporary file left behind. */
    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void nameIsTheStartSecondInUtcWithoutColons() {
        assertEquals("2026-11-27T21-05-03Z", RunDirectories.name(START));
        assertEquals("2026-01-02T03-04-05Z", RunDirectories.name(Instant.parse("2026-01-02T04:04:05.999+01:00")));
        assertTrue(RunDirectories.isRunName("2026-11-27T21-05-03Z-12"));
        assertFalse(RunDirectories.isRunName(RunDirectories.LATEST));
        assertFalse(RunDirectories.isRunName(".latest.tmp-abc"));
    }

    @Test
    void runsStartedInTheSameSecondGetNumberedDirectoriesSortedByStart() throws IOException {
        RunDirectories runs = local();
        assertNull(runs.newest());
        assertEquals(List.of(), runs.runs());
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            created.add(runs.create(START));
        }
        String earlier = runs.create(START.minusSeconds(60));
        assertEquals("2026-11-27T21-05-03Z", created.get(0));
        assertEquals("2026-11-27T21-05-03Z-2", created.get(1));
        assertEquals("2026-11-27T21-05-03Z-11", created.get(10));
        List<String> expected = new ArrayList<>(List.of(earlier));
        expected.addAll(created);
        assertEquals(expected, runs.runs()); // -10 and -11 after -9, not after the first
        assertEquals("2026-11-27T21-05-03Z-11", runs.newest());
        for (String name : created) {
            assertTrue(Files.isDirectory(dir.resolve("runs").resolve(name)));
        }
    }

    @Test
    void latestIsARelativeLinkToTheRunThatFinishedLast() throws IOException {
        RunDirectories runs = local();
        String first = runs.create(START);
        String second = runs.create(START.plusSeconds(1));
        Files.writeString(dir.resolve("runs").resolve(second).resolve("summary.json"), "{}\n");
        assertNull(runs.latest());
        runs.pointLatest(first);
        assertEquals(first, runs.latest());
        runs.pointLatest(second);
        Path latest = dir.resolve("runs").resolve(RunDirectories.LATEST);
        assertTrue(Files.isSymbolicLink(latest));
        assertEquals(Path.of(second), Files.readSymbolicLink(latest));
        assertEquals(second, runs.latest());
        assertEquals("{}\n", Files.readString(latest.resolve("summary.json")));
        assertEquals(List.of(first, second, RunDirectories.LATEST), names(dir.resolve("runs")));
        // The link is relative: the folder still works when moved.
        Path moved = Files.move(dir.resolve("runs"), dir.resolve("moved"));
        assertEquals("{}\n", Files.readString(moved.resolve("latest/summary.json")));
        assertEquals(List.of(first, second), RunDirectories.at(moved.toString(), new Configuration()).runs());
    }

    @Test
    void latestIsReplacedByRenamingACompleteLinkOverItNeverDeleted() throws Exception {
        RunDirectories runs = local();
        String first = runs.create(START);
        String second = runs.create(START.plusSeconds(1));
        runs.pointLatest(first);
        Path root = dir.resolve("runs");
        List<String> events = new ArrayList<>();
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            root.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                    StandardWatchEventKinds.ENTRY_MODIFY);
            runs.pointLatest(second);
            // Linux reports a rename as a delete of the old name and a create of the new one.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && !events.contains("ENTRY_CREATE latest")) {
                WatchKey key = watch.poll(100, TimeUnit.MILLISECONDS);
                if (key != null) {
                    for (WatchEvent<?> e : key.pollEvents()) {
                        String name = e.context().toString().replaceAll("\\.tmp-.*", ".tmp-*");
                        events.add(e.kind().name() + " " + name);
                    }
                    key.reset();
                }
            }
        }
        assertEquals(List.of("ENTRY_CREATE .latest.tmp-*", "ENTRY_DELETE .latest.tmp-*", "ENTRY_CREATE latest"), events);
        assertEquals(second, runs.latest());
    }

    @Test
    void aReaderNeverFindsLatestMissingWhileItIsReplaced() throws Exception {
        RunDirectories runs = local();
        String first = runs.create(START);
        String second = runs.create(START.plusSeconds(1));
        runs.pointLatest(first);
        Path latest = dir.resolve("runs").resolve(RunDirectories.LATEST);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger missing = new AtomicInteger();
        AtomicInteger reads = new AtomicInteger();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                if (!Files.isDirectory(latest)) {
                    missing.incrementAndGet();
                }
                reads.incrementAndGet();
            }
        });
        reader.start();
        try {
            for (int i = 0; i < 500; i++) {
                runs.pointLatest(i % 2 == 0 ? second : first);
            }
        } finally {
            done.set(true);
            reader.join();
        }
        assertEquals(0, missing.get(), "latest was missing in " + missing + " of " + reads + " reads");
        assertEquals(List.of(first, second, RunDirectories.LATEST), names(dir.resolve("runs")));
    }

    @Test
    void aFailedReplacementLeavesTheOldLatestAndNoTemporaryFile() throws IOException {
        RunDirectories runs = local();
        String first = runs.create(START);
        Path latest = dir.resolve("runs").resolve(RunDirectories.LATEST);
        Files.createDirectories(latest.resolve("not-empty")); // a directory a link cannot replace
        assertThrows(IOException.class, () -> runs.pointLatest(first));
        assertTrue(Files.isDirectory(latest.resolve("not-empty")));
        assertEquals(List.of(first, RunDirectories.LATEST), names(dir.resolve("runs")));
    }

    @Test
    void onAnotherFileSystemLatestIsAPointerFile() throws IOException {
        Configuration conf = new Configuration();
        conf.set("fs." + LocalStoreFileSystem.SCHEME + ".impl", LocalStoreFileSystem.class.getName());
        conf.setBoolean("fs." + LocalStoreFileSystem.SCHEME + ".impl.disable.cache", true);
        Path root = dir.resolve("store-runs");
        RunDirectories runs = RunDirectories.at(LocalStoreFileSystem.location(root), conf);
        assertEquals(List.of(), runs.runs());
        assertNull(runs.latest());
        String first = runs.create(START);
        String second = runs.create(START);
        assertEquals("2026-11-27T21-05-03Z-2", second);
        runs.pointLatest(first);
        runs.pointLatest(second);
        Path latest = root.resolve(RunDirectories.LATEST);
        assertFalse(Files.isSymbolicLink(latest));
        assertEquals(second + "\n", Files.readString(latest));
        assertEquals(second, runs.latest());
        assertEquals(List.of(first, second), runs.runs());
        assertEquals(List.of(first, second, RunDirectories.LATEST),
                names(root).stream().filter(n -> !n.endsWith(".crc")).toList());
    }

    @Test
    void aPointerNamingNoRunIsRefused() throws IOException {
        RunDirectories runs = local();
        runs.create(START);
        Files.writeString(dir.resolve("runs").resolve(RunDirectories.LATEST), "../../etc\n");
        IOException e = assertThrows(IOException.class, runs::latest);
        assertTrue(e.getMessage().endsWith("latest does not name a run directory: '../../etc'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> runs.pointLatest("../elsewhere"));
    }
}
