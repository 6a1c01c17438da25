package dev.orchard.engine.store;

import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.ExperimentStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Only one process may open a database: a second, real JVM is told so clearly, and may open it once it is free. */
class StoreLockTest {

    /** Runs {@link StoreLockProbe} in a fresh JVM on {@code db} and returns its one line of output. */
    static String probe(Path db) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Process p = new ProcessBuilder(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), StoreLockProbe.class.getName(), db.toString()))
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the probe JVM did not finish");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return out.lines().filter(l -> l.startsWith("OPENED") || l.startsWith("LOCKED") || l.startsWith("FAILED"))
                .findFirst().orElse("no answer; output was:\n" + out);
    }

    @Test
    void aSecondProcessGetsAClearLockedError(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("history");
        try (Store s = Store.open(db)) {
            s.createExperiment(Optional.empty(), "held", "sweep", Direction.MINIMIZE, "{}", Optional.empty(),
                    ExperimentStatus.COMPLETED);
            String answer = probe(db);
            assertThat(answer).startsWith("LOCKED ")
                    .contains("in use by another Orchard process")
                    .contains(db + ".mv.db");
            // the holder is unaffected
            assertThat(s.experiments()).hasSize(1);
        }
        // once closed, another process may open it
        assertThat(probe(db)).isEqualTo("OPENED 1");
    }
}
