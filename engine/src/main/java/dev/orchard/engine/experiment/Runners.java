package dev.orchard.engine.experiment;

import dev.orchard.engine.execute.BuiltinFunctions;
import dev.orchard.engine.execute.CommandRunner;
import dev.orchard.engine.execute.InProcessRunner;
import dev.orchard.engine.execute.RetryPolicy;
import dev.orchard.engine.execute.RetryingRunner;
import dev.orchard.engine.execute.Objective;
import dev.orchard.engine.execute.TrialRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Turns an objective spec into the runner that executes its trials. */
final class Runners {
    private Runners() {
    }

    static TrialRunner forSpec(ObjectiveSpec spec, Path baseDir, Path dataDir) {
        if (spec instanceof ObjectiveSpec.Builtin b) {
            return new InProcessRunner(builtin(b));
        }
        ObjectiveSpec.Command c = (ObjectiveSpec.Command) spec;
        Path workdir = c.workdir() == null ? baseDir : baseDir.resolve(c.workdir()).normalize();
        Optional<Duration> timeout = Optional.ofNullable(c.timeoutSeconds()).map(s -> Duration.ofMillis((long) (s * 1000)));
        var builder = CommandRunner.builder(c.command()).workdir(workdir).metric(c.metric()).timeout(timeout).env(c.env());
        if (c.graceSeconds() != null) {
            builder.grace(Duration.ofMillis((long) (c.graceSeconds() * 1000)));
        }
        TrialRunner runner = builder.build();
        if (c.retries() == null || c.retries() == 0) {
            return runner;
        }
        RetryPolicy policy = RetryPolicy.of(c.retries());
        if (c.retryBackoffSeconds() != null) {
            policy = new RetryPolicy(c.retries(), Duration.ofMillis(Math.round(c.retryBackoffSeconds() * 1000)),
                    policy.multiplier(), policy.on());
        }
        return new RetryingRunner(runner, policy);
    }

    /**
     * A built-in function as an objective. With curve steps it reports a curve that decays towards the final value
     * (like a loss during training); with a delay it takes that long, checking for a stop between steps. Asked to stop
     * or pause, it checkpoints the step it reached, and a resumed trial continues from there.
     */
    static Objective builtin(ObjectiveSpec.Builtin b) {
        BuiltinFunctions.Function f = BuiltinFunctions.get(b.function());
        int steps = b.curveSteps();
        long delay = b.delayMs();
        return ctx -> {
            double v = f.apply(ctx.params());
            int parts = Math.max(1, steps);
            int from = ctx.resumeFrom().map(d -> d.resolve("step")).filter(Files::isRegularFile).map(Runners::readStep).orElse(0);
            for (int s = from; s < steps; s++) {
                if (ctx.stopRequested()) {
                    Files.writeString(ctx.checkpointDir().resolve("step"), String.valueOf(s));
                    return v;
                }
                sleep(delay * (s + 1) / parts - delay * s / parts); // the steps' sleeps add up to the delay
                double gap = (1 + Math.abs(v)) * Math.exp(-4.0 * (s + 1) / steps) * (s + 1 == steps ? 0 : 1);
                ctx.report(s, v + gap);
            }
            if (steps == 0) {
                sleep(delay);
            }
            return v;
        };
    }

    private static int readStep(Path file) {
        try {
            return Integer.parseInt(Files.readString(file).trim());
        } catch (java.io.IOException | NumberFormatException e) {
            return 0; // an unreadable checkpoint: start over
        }
    }

    private static void sleep(long ms) throws InterruptedException {
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }
}
