package dev.orchard.engine.cli;

import dev.orchard.engine.experiment.Orchard;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Stores an exported experiment as a new experiment; an invalid file stores nothing.")
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
            cmd.commandLine().getOut().printf("imported %s as experiment %d '%s' (%d trials)%n", file, id, s.experiment().name(), s.trials());
        }
        cmd.commandLine().getOut().flush();
        return 0;
    }
}
