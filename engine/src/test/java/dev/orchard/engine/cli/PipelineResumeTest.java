package dev.orchard.engine.cli;

import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.store.ExperimentRecord;
import dev.orchard.engine.trial.ExperimentStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A JSON pipeline killed with SIGKILL in its second stage continues after its last checkpoint: for real, in processes. */
class PipelineResumeTest {
    @TempDir
    Path tmp;

    @Test
    void killNineDuringASweepStageThenResumeContinuesAfterTheLastCheckpoint() throws Exception {
        Path spec = tmp.resolve("pipeline.json");
        Files.writeString(spec, """
                {"format": "orchard.experiment/1", "name": "two-stages",
                 "space": {"params": [{"name": "x1", "type": "uniform", "low": -5, "high": 10},
                                      {"name": "x2", "type": "uniform", "low": 0, "high": 15}]},
                 "objective": {"type": "builtin", "function": "branin"}, "budget": 10, "seed": 5,
                 "pipeline": {"stages": [
                   {"name": "explore", "type": "sweep", "config": {"optimizer": {"name": "random"}},
                    "through": {"contract": "SweepResult", "hooks": {"checkpoint": true}}},
                   {"name": "exploit", "type": "sweep", "config": {"optimizer": {"name": "tpe"}, "budget": 40,
                    "objective": {"type": "builtin", "function": "branin", "delay_ms": 150},
                    "scheduler": {"type": "sync_batch", "batch_size": 1}},
                    "through": {"contract": "SweepResult", "hooks": {"checkpoint": true}}}]}}
                """);
        String db = tmp.resolve("h/history").toString();
        var cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "run", spec.toString(), "--db", db));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        var lines = new ArrayList<String>();
        try (var r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
                if (line.contains("started") && line.contains("exploit")) {
                    break;
                }
            }
            Thread.sleep(2000); // some exploit trials finish, most do not
            p.toHandle().destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(lines).as(String.join("\n", lines)).anyMatch(l -> l.contains("checkpoint") && l.contains("explore"));

        long exploitTrialsBefore;
        try (Orchard o = Orchard.open(Path.of(db))) {
            ExperimentRecord pipeline = o.experiments().stream().map(s -> s.experiment())
                    .filter(e -> e.kind().equals("pipeline")).findFirst().orElseThrow();
            assertThat(pipeline.status()).isEqualTo(ExperimentStatus.INTERRUPTED);
            List<ExperimentRecord> children = o.children(pipeline.id());
            assertThat(children).extracting(ExperimentRecord::name).containsExactly("explore", "exploit");
            exploitTrialsBefore = o.trials(children.get(1).id()).stream().filter(t -> t.state().finished()).count();
            assertThat(exploitTrialsBefore).isBetween(1L, 39L);
        }

        CliTest.Result resumed = CliTest.process(List.of(), "resume", "1", "--db", db);
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.err()).contains("restored").doesNotContain("started    explore");
        assertThat(resumed.out()).contains("experiment 1 'two-stages' (pipeline) completed");
        try (Orchard o = Orchard.open(Path.of(db))) {
            List<ExperimentRecord> children = o.children(1);
            // the explore sweep ran once; the exploit sweep continued where it was (the same experiment), to its budget
            assertThat(children).extracting(ExperimentRecord::name).containsExactly("explore", "exploit");
            assertThat(children).allMatch(c -> c.status() == ExperimentStatus.COMPLETED);
            assertThat(o.summary(children.get(1).id()).orElseThrow().completed()).isEqualTo(40);
            assertThat(o.summary(children.get(0).id()).orElseThrow().trials()).isEqualTo(10);
        }
    }
}
