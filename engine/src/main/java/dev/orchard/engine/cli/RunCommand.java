package dev.orchard.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.experiment.ExperimentSpec;
import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.experiment.Sweep;
import dev.orchard.engine.json.ArchiveJson;
import dev.orchard.engine.json.Specs;
import dev.orchard.engine.store.ExperimentSummary;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.Trial;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs an experiment spec (or the spec inside an export file) and stores every trial; a spec with a",
                "pipeline runs its stages (the sweeps inside are stored as its children).",
                "Ctrl+C pauses the sweep: running trials checkpoint and exit, everything is stored; `orchard resume ID` continues it."})
final class RunCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SPEC", description = "Experiment spec (orchard.experiment/1) or export file (orchard.export/1).")
    Path specFile;

    @Mixin
    DbOption db;

    @Option(names = "--budget", paramLabel = "N", description = "Override the spec's number of trials.")
    Integer budget;

    @Option(names = "--seed", paramLabel = "N", description = "Override the spec's seed.")
    Long seed;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Option(names = "--allow-commands", description = {"Run the commands of an export file's spec without asking.",
            "Without it they are shown and asked about on a terminal, and refused where nobody can be asked."})
    boolean allowCommands;

    @CommandLine.ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() throws Exception {
        Source source = load(specFile);
        ExperimentSpec spec = source.spec();
        if (budget != null) {
            spec = spec.withBudget(budget);
        }
        if (seed != null) {
            spec = spec.withSeed(seed);
        }
        Specs.validate(spec, specFile.toString());
        Path baseDir = specFile.toAbsolutePath().getParent();
        if (source.export()) {
            // an export is a record from another history: its commands run only once someone has seen and allowed them
            Consent.check(specFile.toString(), spec, baseDir, allowCommands, main.questions);
        }
        try (Orchard orchard = db.open()) {
            if (spec.isPipeline()) {
                return PipelineWatch.run(orchard, orchard.startPipeline(spec, baseDir), quiet, cmd.commandLine().getOut());
            }
            return watch(orchard, orchard.start(spec, baseDir), quiet, cmd.commandLine().getOut());
        }
    }

    /**
     * Shows a sweep's progress until it ends and prints its summary. Ctrl+C pauses it: running trials are asked to
     * checkpoint and exit, everything is stored, and {@code orchard resume ID} continues later.
     */
    static int watch(Orchard orchard, Sweep sweep, boolean quiet, PrintWriter out) throws Exception {
        ProgressLine progress = new ProgressLine(System.err, sweep.name(), sweep.budget(), System.console() != null);
        AtomicInteger finished = new AtomicInteger(sweep.finishedTrials());
        AutoCloseable sub = orchard.events().subscribe(e -> {
            if (!quiet && e instanceof EngineEvent.TrialFinished && e.experimentId() == sweep.experimentId()) {
                progress.update(finished.incrementAndGet(), bestText(sweep), false);
            }
        });
        java.util.concurrent.atomic.AtomicBoolean interrupted = new java.util.concurrent.atomic.AtomicBoolean();
        Thread hook = new Thread(() -> {
            interrupted.set(true);
            sweep.pause();
            try {
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
                while (sweep.status() != ExperimentStatus.PAUSED && !sweep.status().finished() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                orchard.flush();
                System.err.printf("%norchard: paused experiment %d; continue it with: orchard resume %d%n",
                        sweep.experimentId(), sweep.experimentId());
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "orchard-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        ExperimentStatus status = sweep.await();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is already running
        }
        sub.close();
        orchard.flush();
        if (!quiet) {
            progress.finish(sweep.finishedTrials(), bestText(sweep));
        }
        ExperimentSummary s = orchard.summary(sweep.experimentId()).orElseThrow();
        out.printf("experiment %d '%s' %s: %d trials (%d completed, %d failed)%n", sweep.experimentId(), Format.safe(sweep.name()),
                status.wire(), s.trials(), s.completed(), s.failed());
        sweep.best().ifPresentOrElse(
                b -> out.printf("best value %s at trial %d: %s%n", Format.number(b.value()), b.number(), Format.params(b.params())),
                () -> out.println("no trial completed"));
        out.printf("database %s.mv.db%n", orchard.database());
        out.flush();
        return status == ExperimentStatus.FAILED ? Main.FAILED : 0;
    }

    private static String bestText(Sweep s) {
        return s.best().map(Trial::value).map(v -> "best " + Format.number(v)).orElse("best -");
    }

    /** The spec a file holds, and whether it came in an export (orchard.export/1). */
    record Source(ExperimentSpec spec, boolean export) {
    }

    static Source load(Path file) {
        String text = Specs.readText(file);
        JsonNode tree = Specs.tree(text, file.toString());
        if (ArchiveJson.isArchive(tree)) {
            return new Source(Specs.parse(ArchiveJson.parse(text, file.toString()).experiment().specJson(), file.toString()), true);
        }
        return new Source(Specs.parse(text, file.toString()), false);
    }

    /** A spec file, or an export file whose embedded spec is run again. */
    static ExperimentSpec read(Path file) {
        return load(file).spec();
    }
}
