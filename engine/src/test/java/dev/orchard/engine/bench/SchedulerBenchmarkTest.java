package dev.orchard.engine.bench;

import dev.orchard.engine.schedule.SchedulerSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Curve files of any configuration fields, and the simulated replay the scheduler benchmark runs on. */
class SchedulerBenchmarkTest {
    @TempDir
    Path tmp;

    /**
     * A held-out-style file: fields "opt" (string) and "layers" (int) are the configuration; 4 configurations × 2 seeds,
     * 10 steps. Configuration quality q: curve = q·step/10 (+ seed offset ±0.1), so the final means are q.
     */
    Path curves() throws IOException {
        Path f = tmp.resolve("curves.jsonl.gz");
        var lines = new ArrayList<String>();
        String[] opts = {"sgd", "adam"};
        int[] layers = {4, 2};
        for (String o : opts) {
            for (int l : layers) {
                double q = (o.equals("adam") ? 10 : 0) + l;
                for (int seed = 0; seed < 2; seed++) {
                    var ret = new StringBuilder();
                    for (int s = 1; s <= 10; s++) {
                        ret.append(s > 1 ? "," : "").append(q * s / 10 + (seed == 0 ? 0.1 : -0.1));
                    }
                    lines.add("{\"env\":\"Toy-v0\",\"algo\":\"X\",\"opt\":\"" + o + "\",\"layers\":" + l + ",\"seed\":" + seed
                            + ",\"timesteps\":[],\"returns\":[" + ret + "],\"returns_std\":[],\"wall_seconds\":[]}");
                }
            }
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
        }
        return f;
    }

    @Test
    void everyFieldButTheRunsOwnIsAConfigurationField() throws Exception {
        CurveSet c = CurveSet.load(curves());
        assertThat(c.name()).isEqualTo("X-Toy-v0");
        assertThat(c.steps()).isEqualTo(10);
        assertThat(c.configs()).hasSize(4);
        assertThat(c.space().params()).extracting(p -> p.name()).containsExactly("opt", "layers");
        assertThat(c.space().params().get(0).toString()).contains("[adam, sgd]"); // sorted
        assertThat(c.space().params().get(1).toString()).contains("[2.0, 4.0]");
        assertThat(c.config(Map.of("opt", "adam", "layers", 4)).finalMean()).isEqualTo(14.0);
        assertThat(c.config(Map.of("opt", "sgd", "layers", 2.0)).curves()).hasNumberOfRows(2);
        assertThat(c.finalMeans()).containsExactly(14, 12, 4, 2);
        assertThat(c.topThreshold(0.25)).isEqualTo(14); // ⌈0.25·4⌉ = 1: the best
        assertThat(c.topThreshold(0.5)).isEqualTo(12);
        assertThat(c.topThreshold(0.01)).isEqualTo(14); // at least the best
        assertThatThrownBy(() -> c.config(Map.of("opt", "rmsprop", "layers", 2))).hasMessageContaining("not in");
    }

    @Test
    void randomSearchRunsEveryConfigurationToTheEndAndAshaStopsEarly() throws Exception {
        CurveSet c = CurveSet.load(curves());
        var random = SchedulerBenchmark.run(c, new SchedulerBenchmark.Method("random", new SchedulerSpec("sync_batch", 2)), 1, 8, 0.25);
        assertThat(random.totalSteps()).isEqualTo(80);
        assertThat(random.trials()).isEqualTo(8);
        assertThat(random.ranToEnd()).isEqualTo(8);
        assertThat(random.makespan()).isEqualTo(40); // 4 batches of 2, 10 steps each
        var asha = SchedulerBenchmark.run(c, new SchedulerBenchmark.Method("asha", SchedulerSpec.asha(2, 1, 3, 10, "stop")), 1, 8, 0.25);
        assertThat(asha.totalSteps()).isLessThan(80);
        assertThat(asha.trials()).isEqualTo(8);
        // the curves never cross, so whenever the best configuration was drawn, both find it
        assertThat(asha.finalTrue()).isEqualTo(random.finalTrue());
        if (random.finalTrue() == 14) {
            assertThat(random.stepsToTarget()).isPresent();
            assertThat(asha.stepsToTarget()).isPresent();
        }
    }

    /** A derived trial starts at its parent's step: PBT's members never run more than generations × interval steps. */
    @Test
    void derivedTrialsContinueFromTheirParentsStep() throws Exception {
        CurveSet c = CurveSet.load(curves());
        var log = new ArrayList<String>();
        var optimizer = dev.orchard.engine.optimize.Optimizers.create("random",
                new dev.orchard.engine.optimize.OptimizerContext(c.space(), c.direction(), 3));
        var scheduler = dev.orchard.engine.schedule.Schedulers.create(SchedulerSpec.pbt(4, 2, 5, 0.25, 0.5),
                new dev.orchard.engine.schedule.SchedulerContext(c.space(), c.direction(), 3, 20));
        SimulatedSweep.Trainer trainer = (trial, params, from) -> new SimulatedSweep.Run() {
            @Override
            public double value(long step) {
                return c.config(params).curves()[0][(int) step - 1];
            }

            @Override
            public long lastStep() {
                return 10;
            }
        };
        var sweep = new SimulatedSweep(scheduler, optimizer, 20, trainer, (t, d, steps, time) -> log.add(t.number() + "@" + t.step())).run();
        List<SimulatedSweep.Trial> derived = sweep.trials().values().stream().filter(t -> t.parent() >= 0).toList();
        assertThat(derived).isNotEmpty();
        for (var t : derived) {
            String first = log.stream().filter(l -> l.startsWith(t.number() + "@")).findFirst().orElseThrow();
            long firstStep = Long.parseLong(first.substring(first.indexOf('@') + 1));
            assertThat(firstStep).isGreaterThan(1); // it did not start from scratch
        }
        assertThat(sweep.time()).isEqualTo(10); // four members at once, 10 steps each, however they were replaced
        assertThat(sweep.steps()).isEqualTo(40);
    }
}
