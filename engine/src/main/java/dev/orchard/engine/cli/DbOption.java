package dev.orchard.engine.cli;

import dev.orchard.engine.experiment.Orchard;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code --db} option every command that touches history takes. */
final class DbOption {
    @Option(names = "--db", paramLabel = "PATH",
            description = "History database (H2 file; default: $ORCHARD_HOME/history or ~/.local/share/orchard/history).")
    Path db;

    Path path() {
        return db != null ? db : Orchard.defaultDatabase();
    }

    Orchard open() {
        return Orchard.open(path());
    }
}
