package org.sparkmlp.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkmlp.cluster.LocalCluster.read;
import static org.sparkmlp.cluster.LocalCluster.tail;
import static org.sparkmlp.cluster.LocalCluster.waitFor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A standalone cluster whose master and workers require Spark's authentication, and a run in cluster deploy
 * mode with the secret ({@code SPARK_MLP_AUTH_SECRET_FILE}) and RPC and I/O encryption ({@code SPARK_MLP_ENCRYPT}):
 * the path that Spark's own driver got wrong (SPARK-25078). The secret must not appear on any command line.
 */
@Tag("integration")
class SecureClusterTest {
    private static LocalCluster cluster;
    private static Path secret;
    private static String secretText;

    @BeforeAll
    static void startCluster() throws Exception {
        Path dir = LocalCluster.BUILD.resolve("it-secure-secret");
        Files.createDirectories(dir);
        secret = dir.resolve("secret");
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        secretText = Base64.getEncoder().encodeToString(bytes);
        Files.deleteIfExists(secret);
        Files.createFile(secret, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(secret, secretText + "\n");
        cluster = LocalCluster.start("it-secure", "--secret-file", secret.toString());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        cluster.close();
    }

    @Test
    void clusterDeployModeWithAuthenticationAndEncryption() throws Exception {
        Path out = cluster.dir.resolve("out");
        Path log = cluster.dir.resolve("secure.log");
        Process run = cluster.submit(Map.of("SPARK_MLP_AUTH_SECRET_FILE", secret.toString(), "SPARK_MLP_ENCRYPT", "true"),
                List.of("--deploy-mode", "cluster"), List.of("--epochs", "2", "--out", out.toUri().toString()), log);
        // While it runs, no process of this machine shows the secret in its command line.
        while (run.isAlive()) {
            ProcessHandle.allProcesses().forEach(p -> assertFalse(
                    p.info().commandLine().orElse("").contains(secretText), "the secret is on the command line of " + p.pid()));
            Thread.sleep(500);
        }
        assertEquals(0, waitFor(run), tail(log));
        assertTrue(Files.exists(out.resolve("model.json")), tail(log));
        // The cluster the driver and executors joined requires authentication (an application without the secret
        // is refused).
        assertTrue(read(cluster.dir.resolve("master.log")).contains("SecurityManager: authentication enabled"),
                tail(cluster.dir.resolve("master.log")));
    }
}
