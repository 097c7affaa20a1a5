package org.sparkmlp.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's Java example, compiled and run as it stands there (between its api-example markers): it cannot rot.
 * It trains on the bundled digits in local[2] and writes target/api-example/model.json.
 */
class ReadmeExampleTest {
    private static final Pattern EXAMPLE = Pattern.compile(
            "<!-- api-example:start -->\\s*```java\\n(.*?)```\\s*<!-- api-example:end -->", Pattern.DOTALL);

    @TempDir
    Path dir;

    @Test
    void readmesJavaExampleCompilesRunsAndWritesItsModel() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = EXAMPLE.matcher(readme);
        assertTrue(m.find(), "README.md has no java block between <!-- api-example:start --> and <!-- api-example:end -->");
        String source = m.group(1);
        Matcher name = Pattern.compile("public class (\\w+)").matcher(source);
        assertTrue(name.find(), "the example declares no public class");
        Path file = dir.resolve(name.group(1) + ".java");
        Files.writeString(file, source);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = javac.run(null, null, errors, "-classpath", System.getProperty("java.class.path"),
                "-d", dir.toString(), file.toString());
        assertEquals(0, status, "README's example does not compile:\n" + errors.toString(StandardCharsets.UTF_8));

        Path model = Path.of("target", "api-example", "model.json");
        Files.deleteIfExists(model);
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                ReadmeExampleTest.class.getClassLoader())) {
            Method main = loader.loadClass(name.group(1)).getMethod("main", String[].class);
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(stdout);
        }
        String out = printed.toString(StandardCharsets.UTF_8);
        Matcher accuracy = Pattern.compile("test accuracy (\\d\\.\\d{4})").matcher(out);
        assertTrue(accuracy.find(), "the example printed: " + out);
        assertTrue(Double.parseDouble(accuracy.group(1)) > 0.9, out);
        assertTrue(Files.isRegularFile(model), "the example wrote no " + model);
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
                TrainedModel.read(model.toString()).classes());
    }
}
