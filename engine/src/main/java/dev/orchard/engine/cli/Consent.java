package dev.orchard.engine.cli;

import dev.orchard.engine.experiment.ExperimentSpec;
import dev.orchard.engine.experiment.SpecCommands;

import java.nio.file.Path;
import java.util.List;

/**
 * The CLI's rule for commands that came with a file from elsewhere, the same as the workbench's: an export file's
 * spec (and a pipeline opened on the canvas) runs its commands only after they were shown and allowed. On a terminal
 * the person is asked; with nobody to ask (a pipe, CI) the run is refused unless {@code --allow-commands} says yes in
 * advance. A spec file the user runs is their own command line and is not asked about.
 */
final class Consent {
    private Consent() {
    }

    /** Thrown when commands were not allowed, so nothing ran. */
    static final class Refused extends IllegalArgumentException {
        final boolean declined;

        Refused(String message, boolean declined) {
            super(message);
            this.declined = declined;
        }
    }

    /** Returns when the spec's commands may run; throws {@link Refused} when they may not. */
    static void check(String source, ExperimentSpec spec, Path baseDir, boolean allowed, Questions questions) {
        List<SpecCommands.Use> commands = SpecCommands.of(spec, baseDir);
        if (commands.isEmpty() || allowed) {
            return;
        }
        var answer = questions.allowCommands(source, commands);
        if (answer.isEmpty()) {
            throw new Refused(describe(source, commands) + "\nnot run: nobody can be asked here (no terminal); run it again with"
                    + " --allow-commands if you trust these commands", false);
        }
        if (!answer.get()) {
            throw new Refused("not run: the commands of " + Format.safe(source) + " were not allowed", true);
        }
    }

    /** The commands as shown before asking: each as written (placeholders and all), then the folder it runs in. */
    static String describe(String source, List<SpecCommands.Use> commands) {
        StringBuilder b = new StringBuilder(Format.safe(source)).append(" is an export: running it runs ")
                .append(commands.size() == 1 ? "this command" : "these " + commands.size() + " commands")
                .append(" on this machine, once per trial, with the trial's values in place of the {placeholders}:");
        for (SpecCommands.Use c : commands) {
            b.append("\n  ").append(Format.safe(c.text())).append("\n      in ").append(Format.safe(c.workdir().toString()));
        }
        return b.toString();
    }
}
