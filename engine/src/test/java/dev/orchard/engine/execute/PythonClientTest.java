package dev.orchard.engine.execute;

import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.experiment.ExperimentSpec;
import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.experiment.Specimens;
import dev.orchard.engine.experiment.Sweep;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.json.SampleProjects;
import dev.orchard.engine.json.Specs;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.MetricPoint;
import dev.orchard.engine.trial.Trial;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Python trial client ({@code sample-projects/orchard_client/orchard.py}) driven by the real engine and a real
 * {@code python3}: parameters, metrics, checkpoints, resume and a graceful stop on SIGTERM.
 */
class PythonClientTest {

    /**
     * A tiny trainer that uses the client: "loss" is lr·units/step, so the test knows every value; the state
     * (step, running total) is checkpointed every step and continued from ORCHARD_RESUME_FROM.
     */
    static final String PROBE = """
            import argparse, sys, time
            import orchard

            ap = argparse.ArgumentParser()
            ap.add_argument("--lr", type=float, required=True)
            ap.add_argument("--units", type=int, required=True)
            ap.add_argument("--act", required=True)
            ap.add_argument("--steps", type=int, default=4)
            ap.add_argument("--sleep", type=float, default=0.0)
            args = ap.parse_args()

            orchard.install_signal_handlers()
            print("checkpoint_dir=" + str(orchard.checkpoint_dir().resolve()), flush=True)
            state = orchard.load_checkpoint("state.json") or {"step": 0, "total": 0.0}
            if orchard.resume_from() is not None:
                print("resumed after step %d" % state["step"], flush=True)
            orchard.save_checkpoint({"argv": {"lr": args.lr, "units": args.units, "act": args.act},
                                     "params": orchard.params(), "trial": orchard.trial_id(),
                                     "experiment": orchard.experiment_id()}, "seen.json")
            for step in range(state["step"] + 1, args.steps + 1):
                loss = args.lr * args.units / step
                state = {"step": step, "total": state["total"] + loss}
                orchard.save_checkpoint(state)
                orchard.report(step, loss=loss, units=args.units)
                time.sleep(args.sleep)
                if orchard.should_stop():
                    print("stopped gracefully after step %d" % step, flush=True)
                    break
            """;

    static final Pattern CHECKPOINT_DIR = Pattern.compile("^checkpoint_dir=(.+)$", Pattern.MULTILINE);

    @TempDir
    Path dir;
    Orchard orchard;
    Path clientDir;

    @BeforeEach
    void open() throws IOException {
        assumeTrue(Processes.onPath("python3"), "python3 is not on the PATH");
        clientDir = SampleProjects.repoRoot().resolve("sample-projects").resolve("orchard_client");
        Files.writeString(dir.resolve("probe.py"), PROBE);
        orchard = Orchard.openInMemory(dir.resolve("data"));
    }

    @AfterEach
    void close() {
        if (orchard != null) {
            orchard.close();
        }
    }

    ExperimentSpec spec(int budget, int steps, double sleep) {
        return Specs.parse("""
                {"format": "orchard.experiment/1", "name": "python-client",
                 "space": {"params": [
                   {"name": "lr", "type": "log_uniform", "low": 0.001, "high": 0.5},
                   {"name": "units", "type": "int", "low": 4, "high": 64},
                   {"name": "act", "type": "choice", "values": ["relu", "tanh"]}]},
                 "optimizer": "sobol",
                 "scheduler": {"type": "sync_batch", "batch_size": 2},
                 "objective": {"type": "command", "metric": "loss", "timeout_seconds": 120,
                   "command": ["python3", "probe.py", "--lr", "{lr}", "--units", "{units}", "--act", "{act}",
                               "--steps", "%d", "--sleep", "%s"],
                   "env": {"PYTHONPATH": %s}},
                 "budget": %d, "seed": 3}
                """.formatted(steps, sleep, Json.write(clientDir.toString()), budget), "python-client.json");
    }

    /** The checkpoint directory the trial was given, as the probe printed it to its log. */
    Path checkpointDirOf(long experiment, int trial) throws IOException {
        String log = Files.readString(orchard.trialLog(experiment, trial));
        Matcher m = CHECKPOINT_DIR.matcher(log);
        assertThat(m.find()).as("trial %d printed its checkpoint_dir; log:%n%s", trial, log).isTrue();
        return Path.of(m.group(1).strip());
    }

    static double num(Object o) {
        return ((Number) o).doubleValue();
    }

    @Test
    void metricsCheckpointsAndParametersArriveThroughTheEngine() throws Exception {
        Sweep sweep = orchard.start(spec(3, 4, 0), dir);
        assertThat(Specimens.finish(sweep, Duration.ofSeconds(120))).isEqualTo(ExperimentStatus.COMPLETED);
        orchard.flush();
        long id = sweep.experimentId();
        List<Trial> trials = orchard.trials(id);
        assertThat(trials).hasSize(3);
        for (Trial t : trials) {
            assertThat(t.state()).as("trial %d: %s", t.number(), t.error().orElse("")).isEqualTo(TrialState.COMPLETED);
            double lr = num(t.params().get("lr"));
            long units = ((Number) t.params().get("units")).longValue();

            // one loss and one units point per step, with the values the script computed from its arguments
            List<MetricPoint> loss = orchard.metrics(id, t.number()).stream().filter(m -> m.name().equals("loss")).toList();
            assertThat(loss).extracting(MetricPoint::step).containsExactly(1L, 2L, 3L, 4L);
            for (MetricPoint m : loss) {
                assertThat(m.value()).isCloseTo(lr * units / m.step(), within(1e-12));
            }
            assertThat(orchard.metrics(id, t.number())).filteredOn(m -> m.name().equals("units"))
                    .hasSize(4).allSatisfy(m -> assertThat(m.value()).isEqualTo(units));
            assertThat(t.value()).hasValue(loss.get(3).value());
            assertThat(t.lastStep()).isEqualTo(4);

            // checkpoints: atomic writes left the final state and no temporary files
            Path ck = checkpointDirOf(id, t.number());
            assertThat(Json.readMap(Files.readString(ck.resolve("state.json")))).containsEntry("step", 4);
            try (var files = Files.list(ck)) {
                assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("seen.json", "state.json");
            }

            // what the command line said, what ORCHARD_PARAMS said and what the store says all agree
            Map<String, Object> seen = Json.readMap(Files.readString(ck.resolve("seen.json")));
            @SuppressWarnings("unchecked") Map<String, Object> argv = (Map<String, Object>) seen.get("argv");
            @SuppressWarnings("unchecked") Map<String, Object> params = (Map<String, Object>) seen.get("params");
            assertThat(params).containsOnlyKeys("lr", "units", "act");
            assertThat(num(argv.get("lr"))).isEqualTo(lr);
            assertThat(num(params.get("lr"))).isEqualTo(lr);
            assertThat(((Number) argv.get("units")).longValue()).isEqualTo(units);
            assertThat(((Number) params.get("units")).longValue()).isEqualTo(units);
            assertThat(argv.get("act")).isEqualTo(params.get("act")).isEqualTo(t.params().get("act")).isIn("relu", "tanh");
            assertThat(seen).containsEntry("trial", String.valueOf(t.number())).containsEntry("experiment", String.valueOf(id));
        }
    }

    @Test
    void aCheckpointedTrialContinuesFromOrchardResumeFrom() throws Exception {
        Sweep sweep = orchard.start(spec(1, 4, 0), dir);
        assertThat(Specimens.finish(sweep, Duration.ofSeconds(120))).isEqualTo(ExperimentStatus.COMPLETED);
        orchard.flush();
        Trial t = orchard.trials(sweep.experimentId()).get(0);
        assertThat(t.state()).as(t.error().orElse("")).isEqualTo(TrialState.COMPLETED);
        Path previous = checkpointDirOf(sweep.experimentId(), 0);

        // Restart the same trial by hand as the engine will after a pause: same arguments, ORCHARD_RESUME_FROM set.
        Path next = dir.resolve("resumed-checkpoints");
        var argv = List.of("python3", "probe.py", "--lr", CommandLine.format(t.params().get("lr")),
                "--units", CommandLine.format(t.params().get("units")), "--act", String.valueOf(t.params().get("act")),
                "--steps", "7");
        var pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("ORCHARD_"));
        env.put("PYTHONPATH", clientDir.toString());
        env.put("ORCHARD_TRIAL_ID", "0");
        env.put("ORCHARD_PARAMS", Json.write(t.params()));
        env.put("ORCHARD_CHECKPOINT_DIR", next.toString());
        env.put("ORCHARD_RESUME_FROM", previous.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the script ended; output:%n%s", out).isTrue();
        assertThat(p.exitValue()).as(out).isZero();

        assertThat(out).contains("resumed after step 4");
        List<Long> steps = new ArrayList<>();
        long last = -1;
        for (String line : out.split("\n")) {
            if (line.startsWith("@orchard ")) {
                last = MetricLine.parse(line, last).step();
                steps.add(last);
            }
        }
        assertThat(steps).as("steps continue after the checkpoint").containsExactly(5L, 6L, 7L);
        double lr = num(t.params().get("lr"));
        double units = num(t.params().get("units"));
        double total = 0;
        for (int s = 1; s <= 7; s++) {
            total += lr * units / s;
        }
        Map<String, Object> state = Json.readMap(Files.readString(next.resolve("state.json")));
        assertThat(state).containsEntry("step", 7);
        assertThat(num(state.get("total"))).as("the running total carried over").isCloseTo(total, within(1e-9));
        // the checkpoint it resumed from is left as it was
        assertThat(Json.readMap(Files.readString(previous.resolve("state.json")))).containsEntry("step", 4);
    }

    @Test
    void stoppingTheSweepLetsThePythonTrialCheckpointAndEndGracefully() throws Exception {
        var reported = new java.util.concurrent.atomic.AtomicLong(-1);
        orchard.events().subscribe(e -> {
            if (e instanceof EngineEvent.TrialMetrics m) {
                reported.accumulateAndGet(m.step(), Math::max);
            }
        });
        Sweep sweep = orchard.start(spec(1, 1_000_000, 0.02), dir);
        Specimens.awaitTrue("the trial reported step 3", Duration.ofSeconds(60), () -> reported.get() >= 3);
        sweep.stop();
        assertThat(Specimens.finish(sweep, Duration.ofSeconds(60))).isEqualTo(ExperimentStatus.STOPPED);
        orchard.flush();
        long id = sweep.experimentId();
        Trial t = orchard.trials(id).get(0);
        assertThat(t.state()).as(t.error().orElse("")).isEqualTo(TrialState.STOPPED);

        String log = Files.readString(orchard.trialLog(id, 0));
        Matcher m = Pattern.compile("stopped gracefully after step (\\d+)").matcher(log);
        assertThat(m.find()).as("SIGTERM reached should_stop(); log:%n%s", log).isTrue();
        long last = Long.parseLong(m.group(1));
        assertThat(last).isGreaterThanOrEqualTo(3);
        assertThat(Json.readMap(Files.readString(checkpointDirOf(id, 0).resolve("state.json")))).containsEntry("step", (int) last);
        assertThat(orchard.metrics(id, 0).stream().mapToLong(MetricPoint::step).max()).hasValue(last);
    }
}
