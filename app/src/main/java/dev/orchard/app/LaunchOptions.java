package dev.orchard.app;

import dev.orchard.app.shell.Theme;
import dev.orchard.engine.experiment.Orchard;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The workbench's command line: {@code --db PATH}, {@code --open SPEC.json}, {@code --theme light|dark},
 * {@code --autostart} (start the loaded spec at once, for demos) and {@code --help}.
 */
public record LaunchOptions(Optional<Path> database, Optional<Path> spec, Theme theme, boolean autostart, boolean help) {

    /** Where the quick-start sample lives, relative to the repository (or installation) root. */
    public static final Path SAMPLE = Path.of("sample-projects", "branin-quickstart", "experiment.json");

    public static final String USAGE = """
            Usage: orchard-workbench [--db PATH] [--open SPEC.json] [--theme light|dark] [--autostart]
              --db PATH        history database (default: %s)
              --open SPEC      experiment spec to load, ready to run (default: the branin quick-start sample
                               under the working directory or -Dorchard.home)
              --theme THEME    light or dark (default: light)
              --autostart      start the loaded spec at once
              --help           show this help
            """;

    /** Parses the arguments; an unknown option or a missing value is an {@link IllegalArgumentException}. */
    public static LaunchOptions parse(List<String> args) {
        Optional<Path> db = Optional.empty();
        Optional<Path> spec = Optional.empty();
        Theme theme = Theme.LIGHT;
        boolean autostart = false;
        boolean help = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "--db", "--open", "--theme" -> {
                    if (value == null) {
                        if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                            throw new IllegalArgumentException(a + " needs a value");
                        }
                        value = args.get(++i);
                    }
                    if (value.isBlank()) {
                        throw new IllegalArgumentException(a + " needs a value");
                    }
                    switch (a) {
                        case "--db" -> db = Optional.of(Path.of(value));
                        case "--open" -> spec = Optional.of(Path.of(value));
                        default -> theme = Theme.parse(value);
                    }
                }
                case "--autostart" -> autostart = true;
                case "--help", "-h" -> help = true;
                default -> throw new IllegalArgumentException("unknown option '" + args.get(i) + "'");
            }
        }
        return new LaunchOptions(db, spec, theme, autostart, help);
    }

    public Path databaseOrDefault() {
        return database.orElseGet(Orchard::defaultDatabase);
    }

    /**
     * The spec to load: {@code --open}, else the quick-start sample under {@code orchard.home} (the launcher script
     * passes the installation root), else under the working directory; empty if there is none.
     */
    public Optional<Path> specToOpen(Optional<String> orchardHome, Path workingDir) {
        if (spec.isPresent()) {
            return spec;
        }
        if (orchardHome.isPresent() && !orchardHome.get().isBlank()) {
            Path p = Path.of(orchardHome.get()).resolve(SAMPLE);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        Path p = workingDir.resolve(SAMPLE);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    public static String usage() {
        return USAGE.formatted(Orchard.defaultDatabase());
    }
}
