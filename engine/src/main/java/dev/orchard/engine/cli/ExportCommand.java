package dev.orchard.engine.cli;

import dev.orchard.engine.experiment.Orchard;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Writes an experiment (spec, trials, metric series) as JSON (orchard.export/1).")
final class ExportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "Experiment id.")
    long id;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "Output file; - for standard output.")
    String output;

    @Mixin
    DbOption db;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() throws Exception {
        try (Orchard orchard = db.open()) {
            if (orchard.experiment(id).isEmpty()) {
                throw new IllegalArgumentException("no experiment with id " + id + " (see orchard list)");
            }
            if ("-".equals(output)) {
                cmd.commandLine().getOut().print(orchard.exportJson(id));
            } else {
                orchard.exportTo(id, Path.of(output));
                cmd.commandLine().getOut().printf("exported experiment %d to %s%n", id, Format.safe(output));
            }
        }
        cmd.commandLine().getOut().flush();
        return 0;
    }
}
