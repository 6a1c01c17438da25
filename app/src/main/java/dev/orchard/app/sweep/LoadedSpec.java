package dev.orchard.app.sweep;

import dev.orchard.engine.experiment.ExperimentSpec;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A spec ready to run: the spec, the folder its relative paths resolve against, and the file it came from (if any).
 */
public record LoadedSpec(ExperimentSpec spec, Path baseDir, Optional<Path> file) {

    /** A spec read from {@code file}; its folder is the base. */
    public static LoadedSpec fromFile(ExperimentSpec spec, Path file) {
        Path abs = file.toAbsolutePath().normalize();
        return new LoadedSpec(spec, abs.getParent(), Optional.of(abs));
    }
}
