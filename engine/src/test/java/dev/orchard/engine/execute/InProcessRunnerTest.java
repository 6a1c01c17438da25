package dev.orchard.engine.execute;

import dev.orchard.engine.trial.Resources;
import dev.orchard.engine.trial.TrialResult;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What an in-process objective sees of its context: everything the engine gave it, not the interface's defaults. */
class InProcessRunnerTest {
    @TempDir
    Path dir;

    @Test
    void theObjectiveSeesTheContextsCheckpointResumePointResourcesAndProcessHook() {
        var ctx = new TestTrialContext(dir, 2, Map.of("x", 1.0));
        ctx.resources = new Resources(List.of(4), 2);
        ctx.resumeFrom = Optional.of(dir.resolve("from"));
        Object[] seen = new Object[3];
        TrialResult r = new InProcessRunner(c -> {
            seen[0] = c.checkpointDir();
            seen[1] = c.resumeFrom();
            seen[2] = c.resources();
            c.processStarted(ProcessHandle.current());
            c.report(5, 0.5);
            return 0.25;
        }).run(ctx);
        assertThat(r.state()).isEqualTo(TrialState.COMPLETED);
        assertThat(r.lastStep()).isEqualTo(5);
        assertThat(seen).containsExactly(ctx.checkpointDir(), Optional.of(dir.resolve("from")), new Resources(List.of(4), 2));
        assertThat(ctx.started).containsExactly(ProcessHandle.current());
    }
}
