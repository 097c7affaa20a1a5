package org.sparkmlp.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkmlp.testing.ReadmeExample;

/**
 * README's Java example, compiled and run as it stands there (between its api-example markers): it cannot rot.
 * It trains on the bundled digits in local[2] and writes target/api-example/model.json. (The Spark ML example
 * is run by {@code ml.ReadmeMlExampleTest}.)
 */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    @Test
    void readmesJavaExampleCompilesRunsAndWritesItsModel() throws Exception {
        Path model = Path.of("target", "api-example", "model.json");
        Files.deleteIfExists(model);
        String out = ReadmeExample.compileAndRun("api-example", dir);
        Matcher accuracy = Pattern.compile("test accuracy (\\d\\.\\d{4})").matcher(out);
        assertTrue(accuracy.find(), "the example printed: " + out);
        assertTrue(Double.parseDouble(accuracy.group(1)) > 0.9, out);
        assertTrue(Files.isRegularFile(model), "the example wrote no " + model);
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
                TrainedModel.read(model.toString()).classes());
    }
}
