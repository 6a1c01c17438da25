package dev.orchard.engine.json;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds files of the repository (sample projects) from tests, wherever Maven was started. */
public final class SampleProjects {
    private SampleProjects() {
    }

    /** The repository root: Surefire's {@code orchard.repo.root}, else the nearest folder up holding sample-projects/. */
    public static Path repoRoot() {
        String prop = System.getProperty("orchard.repo.root");
        if (prop != null && !prop.isBlank() && Files.isDirectory(Path.of(prop, "sample-projects"))) {
            return Path.of(prop).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("sample-projects"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root (no sample-projects/ above " + Path.of("").toAbsolutePath() + ")");
    }

    /** {@code sample-projects/<project>/<file>}. */
    public static Path sample(String project, String file) {
        return repoRoot().resolve("sample-projects").resolve(project).resolve(file);
    }
}
