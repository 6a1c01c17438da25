package dev.orchard.engine.cli;

import dev.orchard.engine.experiment.Orchard;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "resume", mixinStandardHelpOptions = true,
        description = {"Continues a sweep that was paused (Ctrl+C) or whose engine died (a crash, kill -9, the OOM killer).",
                "A pipeline continues after its last checkpointed stage; its sweeps continue where they were.",
                "Processes left over from its trials are ended first; trials that were running restart from their last",
                "checkpoints (ORCHARD_RESUME_FROM); completed trials are kept and never run again."})
final class ResumeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "The experiment's id (see `orchard list`).")
    long id;

    @Mixin
    DbOption db;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() throws Exception {
        try (Orchard orchard = db.open()) {
            var rec = orchard.experiment(id).orElseThrow(() -> new IllegalArgumentException("no experiment with id " + id));
            if (rec.kind().equals("pipeline")) {
                return PipelineWatch.run(orchard, orchard.resumePipeline(id), quiet, cmd.commandLine().getOut());
            }
            return RunCommand.watch(orchard, orchard.resume(id), quiet, cmd.commandLine().getOut());
        }
    }
}
