package dev.orchard.engine.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.ValidateResult;
import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Makes a history database file ready to open, all or nothing. A new database is built under a temporary name with
 * every migration applied and renamed into place. One that needs an upgrade, or that an older Orchard left
 * half-upgraded, is copied; the copy is repaired and migrated, then renamed over the original, which is untouched
 * until that moment. A process killed at any step leaves either the old file or the finished one, never a
 * half-migrated one, and what it left beside it is deleted at the next open. Runs while the {@link SetupLock} is held.
 */
final class StoreSetup {
    private static final Logger LOG = LoggerFactory.getLogger(StoreSetup.class);

    private final DatabaseFiles files;
    private final Migrations migrations;
    private final SetupLock lock;

    StoreSetup(DatabaseFiles files, Migrations migrations, SetupLock lock) {
        this.files = files;
        this.migrations = migrations;
        this.lock = lock;
    }

    /** What the schema history of a database says. */
    record SchemaState(Optional<MigrationVersion> completed, List<MigrationVersion> pending, List<MigrationVersion> failed,
                       Optional<MigrationVersion> latest) {
        static SchemaState of(MigrationInfoService info) {
            MigrationInfo[] all = info.all();
            Optional<MigrationVersion> completed = Arrays.stream(all).filter(m -> m.getVersion() != null
                    && m.getState().isApplied() && !m.getState().isFailed()).map(MigrationInfo::getVersion)
                    .max(Comparator.naturalOrder());
            List<MigrationVersion> failed = Arrays.stream(all).filter(m -> m.getVersion() != null && m.getState().isFailed())
                    .map(MigrationInfo::getVersion).toList();
            List<MigrationVersion> pending = Arrays.stream(info.pending()).map(MigrationInfo::getVersion).toList();
            Optional<MigrationVersion> latest = Arrays.stream(all).filter(m -> m.getVersion() != null && m.getState().isResolved())
                    .map(MigrationInfo::getVersion).max(Comparator.naturalOrder());
            return new SchemaState(completed, pending, failed, latest);
        }

        boolean current() {
            return pending.isEmpty() && failed.isEmpty();
        }

        String completedName() {
            return completed.map(MigrationVersion::getVersion).orElse("0");
        }
    }

    /** Opens the database for reading and writing, creating, upgrading or repairing it first where needed. */
    JdbcConnectionPool openWritable() {
        if (lock.held()) {
            removeLeftovers();
        }
        if (!Files.exists(files.data())) {
            create();
            return connect(files.base(), false); // current: just built with every migration
        }
        JdbcConnectionPool pool = connect(files.base(), false);
        SchemaState state;
        try {
            state = inspect(pool);
        } catch (RuntimeException e) {
            pool.dispose();
            throw e;
        }
        if (state.current()) {
            return pool;
        }
        pool.dispose();
        upgrade(state);
        return connect(files.base(), false);
    }

    /**
     * Opens the database read-only, after {@code why} made a writable open impossible; its schema must be current
     * (an upgrade needs space), else {@code why} is thrown.
     */
    JdbcConnectionPool openReadOnly(DiskFullException why) {
        if (!Files.exists(files.data())) {
            throw why;
        }
        JdbcConnectionPool pool = connect(files.base(), true);
        try {
            if (!inspect(pool).current()) {
                throw why;
            }
            return pool;
        } catch (RuntimeException e) {
            pool.dispose();
            throw e;
        }
    }

    private SchemaState inspect(JdbcConnectionPool pool) {
        try {
            Flyway flyway = migrations.flyway(pool);
            SchemaState state = SchemaState.of(flyway.info());
            if (state.current()) {
                ValidateResult valid = flyway.validateWithResult();
                if (!valid.validationSuccessful) {
                    throw new StoreException("cannot open database " + files.data() + ": its schema history does not match "
                            + "this Orchard's (" + valid.getAllErrorMessages().strip().replace('\n', ' ')
                            + "); is it a database of a newer Orchard?");
                }
            }
            return state;
        } catch (StoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw StoreErrors.of("cannot read the schema history of database " + files.data(), e, files.data());
        }
    }

    /** Builds a new database beside the final name and renames it into place. */
    private void create() {
        requireLock("create");
        Path temp = files.creating();
        try {
            build(temp, (pool, c) -> migrations.flyway(pool).migrate());
            publish(temp);
        } catch (RuntimeException | SQLException | IOException e) {
            removeLeftovers();
            throw StoreErrors.of("cannot create database " + files.data(), e, files.folder());
        }
        LOG.debug("created database {}", files.data());
    }

    /**
     * Copies the database, repairs and migrates the copy, and renames it over the original; on any failure the copy is
     * deleted and the original is as it was.
     */
    private void upgrade(SchemaState state) {
        requireLock("upgrade");
        Path temp = files.upgrading();
        String target = state.latest().map(MigrationVersion::getVersion).orElse("?");
        var undone = new ArrayList<SchemaRepair.SchemaObject>();
        try {
            Files.copy(files.data(), DatabaseFiles.dataOf(temp), StandardCopyOption.REPLACE_EXISTING);
            migrations.hook().at("copied the database to upgrade it");
            build(temp, (pool, c) -> {
                Flyway flyway = migrations.flyway(pool);
                String history = flyway.getConfiguration().getTable();
                undone.addAll(SchemaRepair.undoAfter(c, state.completed(), migrations, history));
                if (!state.failed().isEmpty()) {
                    try (Statement st = c.createStatement()) {
                        st.executeUpdate("DELETE FROM \"" + history + "\" WHERE \"success\" = FALSE");
                    }
                }
                flyway.migrate();
            });
            publish(temp);
        } catch (RuntimeException | SQLException | IOException e) {
            removeLeftovers();
            if (StoreErrors.diskFull(e, files.folder())) {
                throw new DiskFullException(files.folder(), "upgrading database " + files.data() + " needs room for a copy of "
                        + "it; it is unchanged", e);
            }
            throw StoreErrors.of("cannot upgrade database " + files.data() + " from version " + state.completedName() + " to "
                    + target + " (it is unchanged)", e, files.folder());
        }
        if (!state.failed().isEmpty() || !undone.isEmpty()) {
            LOG.warn("repaired database {}: an older Orchard had left its upgrade to version {} half-done; {}upgraded it "
                            + "from version {} to {}", files.data(),
                    state.failed().isEmpty() ? state.pending().get(0) : state.failed().get(0),
                    undone.isEmpty() ? "" : "removed what it had added (" + SchemaRepair.describe(undone) + ") and ",
                    state.completedName(), target);
        } else {
            LOG.info("upgraded database {} from version {} to {}", files.data(), state.completedName(), target);
        }
    }

    private interface Work {
        void run(JdbcConnectionPool pool, Connection keeper) throws SQLException;
    }

    /** Runs {@code work} on the database at {@code base}, closes it, and forces its file to the disk. */
    private void build(Path base, Work work) throws SQLException, IOException {
        JdbcConnectionPool pool = JdbcConnectionPool.create(DatabaseFiles.url(base, false), "orchard", "");
        try (Connection keeper = pool.getConnection()) {
            work.run(pool, keeper);
            try (Statement st = keeper.createStatement()) {
                st.execute("SHUTDOWN");
            }
        } finally {
            pool.dispose();
        }
        try (FileChannel ch = FileChannel.open(DatabaseFiles.dataOf(base), StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        migrations.hook().at("closed the new database file");
    }

    /** Renames the database built at {@code base} to the database's name, at once (a rename in one folder). */
    private void publish(Path base) throws IOException {
        Files.move(DatabaseFiles.dataOf(base), files.data(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(files.folder(), StandardOpenOption.READ)) {
            dir.force(true); // the rename itself reaches the disk
        } catch (IOException | RuntimeException e) {
            // not every system can open a folder; the rename is still atomic
        }
        migrations.hook().at("renamed the new database file into place");
        removeLeftovers();
    }

    private void removeLeftovers() {
        try {
            int n = files.removeLeftovers();
            if (n > 0) {
                LOG.debug("deleted {} files left by an interrupted set-up of {}", n, files.data());
            }
        } catch (IOException e) {
            LOG.debug("cannot delete what an interrupted set-up left beside {}: {}", files.data(), e.toString());
        }
    }

    private void requireLock(String what) {
        if (!lock.held()) {
            IOException why = lock.unavailable().orElseThrow();
            if (DiskFullException.causedBy(why)) {
                throw new DiskFullException(files.folder(), why);
            }
            throw new StoreException("cannot " + what + " database " + files.data() + ": cannot write its lock file "
                    + files.setupLock() + ": " + why.getMessage(), why);
        }
    }

    /** Opens a pool on the database at {@code base}, checking at once that H2 can open it. */
    static JdbcConnectionPool connect(Path base, boolean readOnly) {
        JdbcConnectionPool pool = JdbcConnectionPool.create(DatabaseFiles.url(base, readOnly), "orchard", "");
        pool.setMaxConnections(16);
        try (Connection c = pool.getConnection()) {
            c.isValid(1);
            return pool;
        } catch (SQLException e) {
            pool.dispose();
            throw StoreErrors.opening(DatabaseFiles.dataOf(base), e);
        }
    }
}
