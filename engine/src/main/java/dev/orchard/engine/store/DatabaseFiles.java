package dev.orchard.engine.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files of one history database: {@code BASE.mv.db} (H2's data file), the set-up lock {@code BASE.setup.lock}, and
 * the databases that creating and upgrading build beside it ({@code BASE.creating.*}, {@code BASE.upgrading.*}: H2's
 * {@code .mv.db} and {@code .trace.db} of those) before they are renamed into place.
 */
record DatabaseFiles(Path base) {
    static DatabaseFiles of(Path path) {
        Path abs = path.toAbsolutePath();
        String name = abs.getFileName().toString();
        return new DatabaseFiles(name.endsWith(".mv.db") ? abs.resolveSibling(name.substring(0, name.length() - 6)) : abs);
    }

    Path folder() {
        return base.getParent();
    }

    /** H2's data file: the database itself. */
    Path data() {
        return dataOf(base);
    }

    static Path dataOf(Path base) {
        return base.resolveSibling(base.getFileName() + ".mv.db");
    }

    Path setupLock() {
        return sibling(".setup.lock");
    }

    /** Where a new database is built before it is renamed to {@link #data()}. */
    Path creating() {
        return sibling(".creating");
    }

    /** Where an upgraded copy is built before it replaces {@link #data()}. */
    Path upgrading() {
        return sibling(".upgrading");
    }

    private Path sibling(String suffix) {
        return base.resolveSibling(base.getFileName() + suffix);
    }

    /** The JDBC URL of a database file (without {@code .mv.db}). */
    static String url(Path base, boolean readOnly) {
        // WRITE_DELAY=0: a commit reaches the file at once (H2 would otherwise hold it in memory for up to half a
        // second), so a killed engine loses nothing it committed; the OS keeps the write even though H2 does not fsync.
        // Commits are few all the same: the history writer groups what arrives within ~20 ms into one transaction.
        // It also stops H2's background thread, whose file housekeeping Housekeeping does instead. MAX_COMPACT_TIME:
        // closing may spend up to 2 s (H2: 0.2 s) compacting, so a file a fast sweep filled with garbage is left near
        // its live size.
        return "jdbc:h2:file:" + base + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0"
                + (readOnly ? ";ACCESS_MODE_DATA=r" : ";MAX_COMPACT_TIME=2000");
    }

    /** Deletes what a killed creation or upgrade left beside the database; returns how many files. */
    int removeLeftovers() throws IOException {
        String creating = creating().getFileName() + ".";
        String upgrading = upgrading().getFileName() + ".";
        int n = 0;
        try (DirectoryStream<Path> all = Files.newDirectoryStream(folder())) {
            for (Path p : all) {
                String name = p.getFileName().toString();
                if ((name.startsWith(creating) || name.startsWith(upgrading)) && Files.deleteIfExists(p)) {
                    n++;
                }
            }
        }
        return n;
    }
}
