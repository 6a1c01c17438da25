package dev.orchard.engine.cli;

import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.json.ArchiveJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Stores an exported experiment as a new experiment; an invalid file stores nothing.",
                "Every trial's parameters must lie in the experiment's space. Trials that were pending, running or paused in the",
                "file are stored as stopped: their processes and checkpoints stayed where they ran. An import is a record; to",
                "search on, run the file again: orchard run FILE."})
final class ImportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "Export file (orchard.export/1).")
    Path file;

    @Mixin
    DbOption db;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        try (Orchard orchard = db.open()) {
            long id = orchard.importFrom(file);
            var s = orchard.summary(id).orElseThrow();
            PrintWriter out = cmd.commandLine().getOut();
            out.printf("imported %s as experiment %d '%s' (%d trials)%n", Format.safe(file.toString()), id,
                    Format.safe(s.experiment().name()), s.trials());
            long unfinished = orchard.trials(id).stream().filter(t -> t.error().filter(e -> e.startsWith(ArchiveJson.IMPORTED_WHILE)).isPresent()).count();
            if (unfinished > 0) {
                out.printf("note: %d %s not finished in the file; stored as stopped (%s cannot continue here)%n", unfinished,
                        unfinished == 1 ? "trial was" : "trials were", unfinished == 1 ? "it" : "they");
            }
            s.experiment().message().filter(m -> m.startsWith(ArchiveJson.IMPORTED_WHILE))
                    .ifPresent(m -> out.println("note: the experiment was " + Format.safe(m)));
        }
        cmd.commandLine().getOut().flush();
        return 0;
    }
}
