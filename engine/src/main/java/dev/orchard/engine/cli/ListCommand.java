package dev.orchard.engine.cli;

import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.store.ExperimentSummary;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the experiments in the history, newest first.")
final class ListCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());

    @Mixin
    DbOption db;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        PrintWriter out = cmd.commandLine().getOut();
        try (Orchard orchard = db.open()) {
            List<ExperimentSummary> all = orchard.experiments();
            if (all.isEmpty()) {
                out.println("no experiments in " + orchard.database() + ".mv.db (run one: orchard run SPEC)");
            } else {
                out.printf("%-5s %-28s %-11s %7s %12s  %s%n", "ID", "NAME", "STATUS", "TRIALS", "BEST", "CREATED");
                for (ExperimentSummary s : all) {
                    var e = s.experiment();
                    out.printf("%-5d %-28s %-11s %7d %12s  %s%n", e.id(), Format.truncate(Format.safe(e.name()), 28), e.status().wire(), s.trials(),
                            Format.number(s.best()), TIME.format(e.createdAt()));
                }
            }
        }
        out.flush();
        return 0;
    }
}
