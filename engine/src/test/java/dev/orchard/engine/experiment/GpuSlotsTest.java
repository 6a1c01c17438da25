package dev.orchard.engine.experiment;

import dev.orchard.engine.execute.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * GPU slots end to end, as a user meets them: the engine (its own JVM, the real CLI) finds the GPUs with a fake
 * {@code nvidia-smi} first on its PATH, gives each command trial one GPU as {@code CUDA_VISIBLE_DEVICES}, never gives a
 * GPU to two trials at once, and refuses a spec that names a GPU the machine lacks.
 */
class GpuSlotsTest {
    @TempDir
    Path dir;

    static final String NVIDIA_SMI = """
            #!/bin/sh
            echo "0, NVIDIA H100 80GB HBM3, 81559, 3, 120"
            echo "1, NVIDIA H100 80GB HBM3, 81559, 0, 4"
            """;

    /** Notes which GPU it got, holds it a moment, and reports. */
    static final String TRIAL = """
            #!/bin/sh
            echo "begin $ORCHARD_TRIAL_ID gpu=$CUDA_VISIBLE_DEVICES $(date +%s%N)" >> "$JOURNAL"
            sleep 0.4
            echo "end $ORCHARD_TRIAL_ID gpu=$CUDA_VISIBLE_DEVICES $(date +%s%N)" >> "$JOURNAL"
            echo "@orchard {\\"step\\": 1, \\"loss\\": $1}"
            """;

    Process cli(String... args) throws Exception {
        var cmd = new ArrayList<>(List.of(CrashResumeTest.javaBinary(), "-cp", System.getProperty("java.class.path"),
                "dev.orchard.engine.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        return pb.start();
    }

    String spec(String resources) {
        return """
                {"format": "orchard.experiment/1", "name": "gpus",
                 "space": {"params": [{"name": "x", "type": "uniform", "low": 0, "high": 1}]},
                 "optimizer": "random", "scheduler": {"type": "sync_batch", "batch_size": 4},
                 "objective": {"type": "command", "command": ["sh", "trial.sh", "{x}"], "metric": "loss",
                               "env": {"JOURNAL": "%s"}},
                 %s
                 "budget": 8, "seed": 1}
                """.formatted(dir.resolve("journal.txt"), resources);
    }

    @Test
    void eachCommandTrialGetsAGpuOfItsOwn() throws Exception {
        assumeTrue(Processes.onPath("sh") && Processes.onPath("date"), "needs sh and date");
        Processes.script(dir.resolve("bin").resolve("nvidia-smi"), NVIDIA_SMI);
        Files.writeString(dir.resolve("trial.sh"), TRIAL);
        Files.writeString(dir.resolve("spec.json"), spec(""));
        Process p = cli("run", dir.resolve("spec.json").toString(), "--db", dir.resolve("h").toString(), "-q");
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("8 trials (8 completed, 0 failed)");

        List<String> lines = Files.readAllLines(dir.resolve("journal.txt"));
        assertThat(lines).hasSize(16).allMatch(l -> l.contains("gpu=0 ") || l.contains("gpu=1 "));
        // replay the journal: a GPU is never held by two trials at once, so at most two trials ran together
        Map<String, Integer> holder = new HashMap<>();
        var events = lines.stream().map(l -> l.split(" ")).sorted((a, b) -> Long.compare(Long.parseLong(a[3]), Long.parseLong(b[3])))
                .toList();
        for (String[] e : events) {
            if (e[0].equals("begin")) {
                assertThat(holder.putIfAbsent(e[2], Integer.parseInt(e[1]))).as("%s taken twice", e[2]).isNull();
            } else {
                assertThat(holder.remove(e[2])).isEqualTo(Integer.parseInt(e[1]));
            }
        }
    }

    @Test
    void aSpecNamingAGpuTheMachineLacksIsRefusedWithAClearMessage() throws Exception {
        Processes.script(dir.resolve("bin").resolve("nvidia-smi"), NVIDIA_SMI);
        Files.writeString(dir.resolve("trial.sh"), TRIAL);
        Files.writeString(dir.resolve("spec.json"), spec("\"resources\": {\"gpus\": [0, 5], \"per_trial\": {\"gpus\": 1, \"cpus\": 1}},"));
        Process p = cli("run", dir.resolve("spec.json").toString(), "--db", dir.resolve("h").toString(), "-q");
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains("5").containsIgnoringCase("gpu").doesNotContain("Exception in thread");
        assertThat(Files.exists(dir.resolve("journal.txt"))).as("no trial ran").isFalse();
    }
}
