package org.sparkmlp.testing;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A Java example of README.md, between {@code <!-- NAME:start -->} and {@code <!-- NAME:end -->}, compiled
 * against the test class path and run in this JVM, so the examples cannot rot.
 */
public final class ReadmeExample {
    private ReadmeExample() {
    }

    /** Compiles the example {@code name} into {@code dir}, runs its main with {@code args}; what it printed. */
    public static String compileAndRun(String name, Path dir, String... args) throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher m = Pattern.compile("<!-- " + name + ":start -->\\s*```java\\n(.*?)```\\s*<!-- " + name + ":end -->",
                Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README.md has no java block between <!-- " + name + ":start --> and <!-- " + name
                + ":end -->");
        String source = m.group(1);
        Matcher className = Pattern.compile("public class (\\w+)").matcher(source);
        assertTrue(className.find(), "the example declares no public class");
        Path file = dir.resolve(className.group(1) + ".java");
        Files.writeString(file, source);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = javac.run(null, null, errors, "-classpath", System.getProperty("java.class.path"),
                "-d", dir.toString(), file.toString());
        assertEquals(0, status, "README's " + name + " does not compile:\n" + errors.toString(StandardCharsets.UTF_8));

        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                ReadmeExample.class.getClassLoader())) {
            Method main = loader.loadClass(className.group(1)).getMethod("main", String[].class);
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            main.invoke(null, (Object) args);
        } finally {
            System.setOut(stdout);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }
}
