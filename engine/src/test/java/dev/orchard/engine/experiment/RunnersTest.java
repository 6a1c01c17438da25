package dev.orchard.engine.experiment;

import dev.orchard.engine.execute.TrialContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class RunnersTest {
    @TempDir
    Path dir;

    @Test
    void aBuiltinsDelayIsSpentWholeEvenWhenItIsShorterThanItsSteps() throws Exception {
        var reports = new AtomicInteger();
        TrialContext ctx = new TrialContext() {
            public long experimentId() {
                return 1;
            }

            public int number() {
                return 0;
            }

            public Map<String, Object> params() {
                return Map.of("x1", 1.0, "x2", 2.0);
            }

            public void report(long step, Map<String, Double> values) {
                reports.incrementAndGet();
            }

            public boolean stopRequested() {
                return false;
            }

            public Path logFile() {
                return dir.resolve("trial-0.log");
            }
        };
        long start = System.nanoTime();
        Runners.builtin(new ObjectiveSpec.Builtin("branin", 40, 30)).evaluate(ctx);
        // 30 ms over 40 steps was 0 ms a step (integer division): the trial took no time at all
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(30);
        assertThat(reports).hasValue(40);
    }
}
