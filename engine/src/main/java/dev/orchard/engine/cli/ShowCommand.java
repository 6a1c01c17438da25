package dev.orchard.engine.cli;

import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.store.ExperimentSummary;
import dev.orchard.engine.trial.Trial;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "show", mixinStandardHelpOptions = true, description = "Shows one experiment: its spec, status and trials.")
final class ShowCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "Experiment id (see orchard list).")
    long id;

    @Mixin
    DbOption db;

    @Option(names = "--trials", paramLabel = "N", defaultValue = "25", description = "Trials to list (default ${DEFAULT-VALUE}; -1 for all).")
    int limit;

    @Option(names = "--spec", description = "Print the stored spec JSON too.")
    boolean printSpec;

    @Option(names = "--predictions", description = "Print each trial's latest predicted rest-of-curve (an experiment with \"predict\").")
    boolean predictions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        PrintWriter out = cmd.commandLine().getOut();
        try (Orchard orchard = db.open()) {
            ExperimentSummary s = orchard.summary(id).orElseThrow(() -> new IllegalArgumentException("no experiment with id " + id
                    + " in " + orchard.database() + ".mv.db (see orchard list)"));
            var e = s.experiment();
            out.printf("experiment %d  %s%n", e.id(), Format.safe(e.name()));
            out.printf("  kind %s, %s, status %s%s%n", Format.safe(e.kind()), e.direction().wire(), e.status().wire(),
                    e.message().map(m -> " (" + Format.safe(m) + ")").orElse(""));
            out.printf("  created %s, updated %s%n", e.createdAt(), e.updatedAt());
            out.printf("  trials %d: %d completed, %d failed; best %s%n", s.trials(), s.completed(), s.failed(), Format.number(s.best()));
            if (printSpec) {
                out.println(Format.safeLines(e.specJson().strip()));
            }
            List<Trial> trials = orchard.trials(id);
            if (!trials.isEmpty()) {
                out.printf("%6s %-10s %14s  %s%n", "TRIAL", "STATE", "VALUE", "PARAMS");
                int n = limit < 0 ? trials.size() : Math.min(limit, trials.size());
                for (Trial t : trials.subList(0, n)) {
                    out.printf("%6d %-10s %14s  %s%s%n", t.number(), t.state().wire(), Format.number(t.value()), Format.params(t.params()),
                            t.error().map(err -> "  [" + Format.truncate(Format.safe(err.lines().findFirst().orElse("")), 80) + "]").orElse(""));
                }
                if (n < trials.size()) {
                    out.printf("  … %d more (--trials -1 shows all)%n", trials.size() - n);
                }
            }
            if (predictions) {
                var latest = orchard.latestPredictions(id);
                if (latest.isEmpty()) {
                    out.println("no curve predictions stored (the spec needs \"predict\"; the first trials of a drift forecast get none)");
                } else {
                    out.printf("%6s %10s %7s %12s %14s  %s%n", "TRIAL", "OBSERVED", "POINTS", "AT STEP", "FORECAST", "80 % BAND   (model)");
                    for (var p : latest) {
                        int last = p.x().length - 1;
                        out.printf("%6d %10d %7d %12s %14s  [%s, %s]   (%s)%n", p.trial(), p.observedStep(), p.observedPoints(),
                                Format.number(p.x()[last]), Format.number(p.mean()[last]), Format.number(p.lower()[last]),
                                Format.number(p.upper()[last]), Format.safe(p.model()));
                    }
                }
            }
        }
        out.flush();
        return 0;
    }
}
