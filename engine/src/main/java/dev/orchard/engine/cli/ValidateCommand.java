package dev.orchard.engine.cli;

import dev.orchard.engine.experiment.ExperimentSpec;
import dev.orchard.engine.json.SpecException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Checks experiment specs without running anything; each problem names the file and the JSON path.")
final class ValidateCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SPEC", arity = "1..*", description = "Spec files to check.")
    List<Path> files;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec cmd;

    @Override
    public Integer call() {
        int bad = 0;
        for (Path f : files) {
            try {
                ExperimentSpec s = RunCommand.read(f);
                if (s.isPipeline()) {
                    var p = dev.orchard.engine.experiment.PipelineExperiments.build(s, java.util.Optional.of(
                            f.toAbsolutePath().getParent()));
                    cmd.commandLine().getOut().printf("%s: ok (%s: pipeline of %d stages: %s)%n", Format.safe(f.toString()), Format.safe(s.name()),
                            p.graph().nodes().size(), Format.safe(String.join(" → ", p.graph().order().stream().map(n -> n.name()).toList())));
                    continue;
                }
                cmd.commandLine().getOut().printf("%s: ok (%s: %d parameters, optimizer %s, %d trials)%n", Format.safe(f.toString()), Format.safe(s.name()),
                        s.space().dimension(), s.optimizer().name(), s.budget());
            } catch (SpecException e) {
                cmd.commandLine().getErr().println(Main.message(e));
                bad++;
            }
        }
        cmd.commandLine().getOut().flush();
        return bad == 0 ? 0 : Main.BAD_INPUT;
    }
}
