package dev.orchard.engine.cli;

import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.experiment.PipelineExperiment;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.store.ExperimentRecord;
import dev.orchard.engine.trial.ExperimentStatus;

import java.io.PrintWriter;
import java.util.Set;

/**
 * Follows a pipeline experiment on the terminal: a line per stage event (started, done, cached, skipped, failed,
 * checkpoint), Ctrl+C pauses it (its sweeps checkpoint their trials), and at the end its status and output.
 */
final class PipelineWatch {
    private static final Set<String> SHOWN = Set.of("started", "done", "cached", "skipped", "failed", "retrying", "restored", "checkpoint");

    private PipelineWatch() {
    }

    static int run(Orchard orchard, PipelineExperiment p, boolean quiet, PrintWriter out) throws Exception {
        return summary(orchard, p, watch(orchard, p, quiet), out);
    }

    static ExperimentStatus watch(Orchard orchard, PipelineExperiment p, boolean quiet) throws Exception {
        AutoCloseable sub = orchard.events().subscribe(e -> {
            if (!quiet && e instanceof EngineEvent.StageEvent s && s.experimentId() == p.experimentId() && SHOWN.contains(s.kind())) {
                System.err.printf("  %-10s %s%s%s%n", s.kind(), s.stage().isEmpty() ? "(pipeline)" : Format.safe(s.stage()),
                        s.iteration().isEmpty() ? "" : " [" + Format.safe(s.iteration()) + "]",
                        s.message().isEmpty() ? "" : ": " + Format.safe(s.message()));
            }
        });
        Thread hook = new Thread(() -> {
            try {
                orchard.close(); // pauses the pipeline and its sweeps, stores everything
                System.err.printf("%norchard: paused experiment %d; continue it with: orchard resume %d%n",
                        p.experimentId(), p.experimentId());
            } catch (RuntimeException ignored) {
                // closing twice, at exit
            }
        }, "orchard-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        ExperimentStatus status = p.await();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is already running
        }
        sub.close();
        return status;
    }

    /** The summary lines after a run: status, message, children, output. */
    static int summary(Orchard orchard, PipelineExperiment p, ExperimentStatus status, PrintWriter out) {
        orchard.flush();
        ExperimentRecord rec = orchard.experiment(p.experimentId()).orElseThrow();
        out.printf("experiment %d '%s' (pipeline) %s%s%n", p.experimentId(), Format.safe(p.name()), status.wire(),
                rec.message().map(m -> ": " + Format.safe(m)).orElse(""));
        for (ExperimentRecord c : orchard.children(p.experimentId())) {
            var s = orchard.summary(c.id()).orElseThrow();
            out.printf("  %d %-40s %-10s %d trials%s%n", c.id(), Format.safe(c.name()), c.status().wire(), s.trials(),
                    s.best().isPresent() ? ", best " + Format.number(s.best().getAsDouble()) : "");
        }
        p.output().ifPresent(o -> {
            String json;
            try {
                json = Json.write(o);
            } catch (RuntimeException e) {
                json = String.valueOf(o);
            }
            out.println("output " + Format.truncate(Format.safe(json), 2000));
        });
        out.printf("database %s.mv.db%n", orchard.database());
        out.flush();
        return status == ExperimentStatus.FAILED ? Main.FAILED : 0;
    }
}
