package dev.orchard.engine.store;

import dev.orchard.engine.json.Json;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.MetricPoint;
import dev.orchard.engine.trial.Trial;
import dev.orchard.engine.trial.TrialState;
import org.h2.api.ErrorCode;
import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The history database: one H2 file, its schema kept by Flyway migrations. Only one process may open a file at a time
 * (H2's file lock); a second gets a {@link StoreLockedException} that says so. Creating and upgrading the file are all
 * or nothing ({@link StoreSetup}). When its disk is full the database still opens, read-only, so that history can be
 * read; writes then throw {@link DiskFullException}. Thread-safe: connections come from a small pool.
 */
public final class Store implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Store.class);

    private final Path file;
    private final JdbcConnectionPool pool;
    private final boolean inMemory;
    /** Why this store is read-only (its disk was full when it was opened); null when it can write. */
    private final DiskFullException readOnly;
    private final Housekeeping housekeeping;

    private Store(Path file, JdbcConnectionPool pool, boolean inMemory, DiskFullException readOnly) {
        this.file = file;
        this.pool = pool;
        this.inMemory = inMemory;
        this.readOnly = readOnly;
        this.housekeeping = inMemory || readOnly != null ? null : new Housekeeping(pool, Housekeeping.PERIOD_MS);
    }

    /**
     * Opens (creating if needed) the database at {@code path} ({@code history} or {@code history.mv.db}), brings its
     * schema up to date, and marks experiments that were running when their engine died as interrupted. If the disk is
     * too full for that, the database is opened read-only (see {@link #readOnly()}).
     */
    public static Store open(Path path) {
        return open(path, Migrations.ORCHARD);
    }

    /** {@link #open(Path)} with other migrations or a hook into the set-up's steps (tests). */
    static Store open(Path path, Migrations migrations) {
        DatabaseFiles files = DatabaseFiles.of(path);
        try {
            Files.createDirectories(files.folder());
        } catch (IOException e) {
            throw StoreErrors.of("cannot create the folder of database " + files.data(), e, files.folder());
        }
        try (SetupLock lock = SetupLock.acquire(files)) {
            StoreSetup setup = new StoreSetup(files, migrations, lock);
            try {
                Store s = new Store(files.base(), setup.openWritable(), false, null);
                try {
                    s.markInterrupted();
                } catch (RuntimeException e) {
                    s.close();
                    throw e;
                }
                return s;
            } catch (DiskFullException full) {
                Store s = new Store(files.base(), setup.openReadOnly(full), false, full);
                // INFO: reading commands just work; a write then says the one line of the full disk
                LOG.info("{}; opened the database read-only", full.getMessage());
                return s;
            }
        }
    }

    /**
     * A database in memory only, gone when closed: for benchmarks' baselines and throw-away runs. Trial logs go to
     * {@code scratch}.
     */
    public static Store openInMemory(Path scratch) {
        String name = "orchard-" + java.util.UUID.randomUUID();
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "orchard", "");
        pool.setMaxConnections(16);
        try {
            Migrations.ORCHARD.flyway(pool).migrate();
        } catch (RuntimeException e) {
            pool.dispose();
            throw new StoreException("cannot set up a database in memory: " + e.getMessage(), e);
        }
        return new Store(scratch.resolve(name), pool, true, null);
    }

    /** Whether this store can only read (its disk was full when it was opened): every write throws then. */
    public boolean readOnly() {
        return readOnly != null;
    }

    private static String file(Path base) {
        return base + ".mv.db";
    }

    /**
     * The exception for a failed statement: {@link DiskFullException} when the disk is full (or this store was opened
     * read-only because it was), else a {@link StoreException} with {@code doing} and H2's reason.
     */
    StoreException failure(String doing, SQLException e) {
        if (readOnly != null && e.getErrorCode() == ErrorCode.DATABASE_IS_READ_ONLY) {
            return new DiskFullException(readOnly.path(), e);
        }
        return StoreErrors.of(doing, e, Path.of(file(file)));
    }

    /** Where the database lives (without {@code .mv.db}). */
    public Path path() {
        return file;
    }

    private static final String INTERRUPTED = "the engine stopped while this experiment ran; continue it with orchard resume";

    private void markInterrupted() {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE experiment SET status = ?, message = ?, updated_at = ? WHERE status IN (?, ?, ?)")) {
            ps.setString(1, ExperimentStatus.INTERRUPTED.name());
            ps.setString(2, INTERRUPTED);
            ps.setObject(3, now());
            ps.setString(4, ExperimentStatus.RUNNING.name());
            ps.setString(5, ExperimentStatus.PAUSING.name());
            ps.setString(6, ExperimentStatus.STOPPING.name());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("cannot update database " + file(file), e);
        }
    }

    /** Inserts an experiment and returns its id. */
    public long createExperiment(Optional<Long> parentId, String name, String kind, Direction direction, String specJson,
                                 Optional<String> baseDir, ExperimentStatus status) {
        try (Connection c = pool.getConnection()) {
            return insertExperiment(c, parentId, name, kind, direction, specJson, baseDir, status, Optional.empty(), now(), now());
        } catch (SQLException e) {
            throw failure("cannot store experiment '" + Columns.preview(name) + "'", e);
        }
    }

    private static long insertExperiment(Connection c, Optional<Long> parentId, String name, String kind, Direction direction,
                                         String specJson, Optional<String> baseDir, ExperimentStatus status,
                                         Optional<String> message, OffsetDateTime created, OffsetDateTime updated) throws SQLException {
        Columns.check("experiment name", name, Columns.NAME);
        Columns.check("experiment kind", kind, Columns.KIND);
        Columns.check("experiment folder", baseDir.orElse(null), Columns.BASE_DIR);
        Columns.check("experiment message", message.orElse(null), Columns.MESSAGE);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO experiment(parent_id, name, kind, direction, spec_json, "
                + "base_dir, status, message, created_at, updated_at, folder_key) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                Statement.RETURN_GENERATED_KEYS)) {
            if (parentId.isPresent()) {
                ps.setLong(1, parentId.get());
            } else {
                ps.setNull(1, Types.BIGINT);
            }
            ps.setString(2, name);
            ps.setString(3, kind);
            ps.setString(4, direction.name());
            ps.setString(5, specJson);
            ps.setString(6, baseDir.orElse(null));
            ps.setString(7, status.name());
            ps.setString(8, message.orElse(null));
            ps.setObject(9, created);
            ps.setObject(10, updated);
            ps.setString(11, newFolderKey());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /** Stores a batch in one transaction; nothing of it is stored if any part fails. */
    public void write(WriteBatch batch) {
        if (batch.isEmpty()) {
            return;
        }
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                writeTrials(c, batch.trials());
                writeRewinds(c, batch.rewinds());
                writeMetrics(c, batch.metrics());
                writeSweeps(c, batch.sweeps());
                writeEvents(c, batch.events());
                writeStatuses(c, batch.statuses());
                writePredictions(c, batch.predictions());
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure("cannot write to database " + file(file), e);
        }
    }

    private static void writeStatuses(Connection c, Map<Long, WriteBatch.Status> statuses) throws SQLException {
        if (statuses.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE experiment SET status = ?, message = ?, updated_at = ? WHERE id = ?")) {
            for (var e : statuses.entrySet()) {
                ps.setString(1, e.getValue().status().name());
                ps.setString(2, e.getValue().message());
                ps.setObject(3, now());
                ps.setLong(4, e.getKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void writeRewinds(Connection c, List<WriteBatch.Rewind> rewinds) throws SQLException {
        if (rewinds.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM metric WHERE experiment_id = ? AND trial = ? AND step >= ?")) {
            for (WriteBatch.Rewind r : rewinds) {
                ps.setLong(1, r.experimentId());
                ps.setInt(2, r.trial());
                ps.setLong(3, r.fromStep());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * The sweeps' writes of one batch, in one transaction: of each trial only its latest snapshot (a trial that started
     * and ended within the batch costs one row), of each sweep only its latest checkpoint (it supersedes the others).
     */
    private static void writeSweeps(Connection c, List<WriteBatch.SweepWrite> writes) throws SQLException {
        if (writes.isEmpty()) {
            return;
        }
        var trials = new java.util.LinkedHashMap<String, Trial>();
        var parents = new java.util.HashMap<Long, Map<Integer, Integer>>();
        var checkpoints = new java.util.LinkedHashMap<Long, SweepCheckpoint>();
        for (WriteBatch.SweepWrite w : writes) {
            w.trials().forEach(t -> trials.put(t.experimentId() + "/" + t.number(), t));
            parents.computeIfAbsent(w.experimentId(), k -> new java.util.HashMap<>()).putAll(w.parents());
            w.checkpoint().ifPresent(cp -> checkpoints.put(w.experimentId(), cp));
        }
        writeTrials(c, trials.values());
        for (var e : parents.entrySet()) {
            writeSweep(c, e.getKey(), e.getValue(), Optional.ofNullable(checkpoints.remove(e.getKey())));
        }
    }

    /**
     * Parents of a sweep's derived trials and its checkpoint, in the transaction that writes its trial snapshots: all
     * of it survives a crash or none.
     */
    private static void writeSweep(Connection c, long experimentId, Map<Integer, Integer> parents,
                                   Optional<SweepCheckpoint> checkpoint) throws SQLException {
        if (!parents.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE trial SET parent = ? WHERE experiment_id = ? AND number = ?")) {
                for (var e : parents.entrySet()) {
                    ps.setInt(1, e.getValue());
                    ps.setLong(2, experimentId);
                    ps.setInt(3, e.getKey());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (checkpoint.isPresent()) {
            CheckpointRows.write(c, experimentId, checkpoint.get());
        }
    }

    /** The sweep's last checkpoint, if it launched anything. */
    public Optional<SweepCheckpoint> sweepCheckpoint(long experimentId) {
        try (Connection c = pool.getConnection()) {
            return CheckpointRows.read(c, experimentId);
        } catch (SQLException e) {
            throw new StoreException("cannot read database " + file(file) + ": " + e.getMessage(), e);
        }
    }

    /** Appends a pipeline checkpoint (committed before this returns). */
    public void appendStageRun(long experimentId, String stage, String iteration, String snapshotJson) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO stage_run(experiment_id, seq, stage, iteration, snapshot_json, at) VALUES (?, "
                        + "(SELECT COALESCE(MAX(seq), -1) + 1 FROM stage_run WHERE experiment_id = ?), ?, ?, ?, ?)")) {
            ps.setLong(1, experimentId);
            ps.setLong(2, experimentId);
            ps.setString(3, stage);
            ps.setString(4, iteration);
            ps.setString(5, snapshotJson);
            ps.setObject(6, now());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("cannot store the checkpoint of stage " + stage + " of experiment " + experimentId, e);
        }
    }

    /** The latest pipeline checkpoint of an experiment. */
    public Optional<StageRun> latestStageRun(long experimentId) {
        return query("SELECT * FROM stage_run WHERE experiment_id = ? ORDER BY seq DESC LIMIT 1", ps -> ps.setLong(1, experimentId),
                Store::stageRunRow).stream().findFirst();
    }

    /** Every checkpoint of an experiment, oldest first. */
    public List<StageRun> stageRuns(long experimentId) {
        return query("SELECT * FROM stage_run WHERE experiment_id = ? ORDER BY seq", ps -> ps.setLong(1, experimentId), Store::stageRunRow);
    }

    private static StageRun stageRunRow(ResultSet rs) throws SQLException {
        return new StageRun(rs.getLong("experiment_id"), rs.getInt("seq"), rs.getString("stage"), rs.getString("iteration"),
                rs.getString("snapshot_json"), instant(rs, "at"));
    }

    /** A cached stage output, counting the hit. */
    public Optional<String> cachedStage(String key) {
        Optional<String> hit = query("SELECT output_json FROM stage_cache WHERE cache_key = ?", ps -> ps.setString(1, key),
                rs -> rs.getString(1)).stream().findFirst();
        if (hit.isPresent()) {
            try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "UPDATE stage_cache SET hits = hits + 1 WHERE cache_key = ?")) {
                ps.setString(1, key);
                ps.executeUpdate();
            } catch (SQLException e) {
                throw failure("cannot update the stage cache", e);
            }
        }
        return hit;
    }

    public void cacheStage(String key, String stage, String outputJson) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                "MERGE INTO stage_cache(cache_key, stage, output_json, created_at) KEY (cache_key) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, key);
            ps.setString(2, stage);
            ps.setString(3, outputJson);
            ps.setObject(4, now());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("cannot store the cached output of stage " + stage, e);
        }
    }

    /** The experiments directly inside one (a pipeline's sweeps), oldest first. */
    public List<ExperimentRecord> children(long parentId) {
        return query("SELECT * FROM experiment WHERE parent_id = ? ORDER BY id", ps -> ps.setLong(1, parentId), this::experimentRow);
    }

    /** Sets an experiment's status at once (not through the batched writer). */
    public void setStatus(long experimentId, ExperimentStatus status, String message) {
        try (Connection c = pool.getConnection()) {
            writeStatuses(c, Map.of(experimentId, new WriteBatch.Status(status, message)));
        } catch (SQLException e) {
            throw failure("cannot update experiment " + experimentId + " in " + file(file), e);
        }
    }

    /** Records the process group a trial runs in, so that a resumed sweep can end it if the engine died. */
    public void recordProcess(long experimentId, int trial, long pid, Instant startedAt) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE trial SET pid = ?, pid_started_at = ? WHERE experiment_id = ? AND number = ?")) {
            ps.setLong(1, pid);
            ps.setObject(2, startedAt.atOffset(java.time.ZoneOffset.UTC));
            ps.setLong(3, experimentId);
            ps.setInt(4, trial);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure("cannot record the process of trial " + trial + " of experiment " + experimentId, e);
        }
    }

    /** Recorded processes of the experiment's trials that had not reached a final state. */
    public List<TrialProcess> unfinishedProcesses(long experimentId) {
        return query("SELECT number, pid, pid_started_at FROM trial WHERE experiment_id = ? AND pid IS NOT NULL "
                + "AND state IN ('RUNNING', 'PENDING', 'PAUSED')", ps -> ps.setLong(1, experimentId),
                rs -> new TrialProcess(rs.getInt(1), rs.getLong(2), instant(rs, "pid_started_at")));
    }

    /** The trial each derived trial (PBT) was copied from. */
    public Map<Integer, Integer> parents(long experimentId) {
        var out = new java.util.TreeMap<Integer, Integer>();
        query("SELECT number, parent FROM trial WHERE experiment_id = ? AND parent IS NOT NULL", ps -> ps.setLong(1, experimentId),
                rs -> out.put(rs.getInt(1), rs.getInt(2)));
        return out;
    }

    private static void writeTrials(Connection c, java.util.Collection<Trial> trials) throws SQLException {
        if (trials.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("MERGE INTO trial(experiment_id, number, params_json, state, trial_value, "
                + "last_step, error, started_at, finished_at) KEY(experiment_id, number) VALUES (?,?,?,?,?,?,?,?,?)")) {
            for (Trial t : trials) {
                bindTrial(ps, t);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void bindTrial(PreparedStatement ps, Trial t) throws SQLException {
        ps.setLong(1, t.experimentId());
        ps.setInt(2, t.number());
        ps.setString(3, Json.write(t.params()));
        ps.setString(4, t.state().name());
        if (t.value().isPresent()) {
            ps.setDouble(5, t.value().getAsDouble());
        } else {
            ps.setNull(5, Types.DOUBLE);
        }
        ps.setLong(6, t.lastStep());
        ps.setString(7, t.error().orElse(null));
        ps.setObject(8, t.startedAt() == null ? null : t.startedAt().atOffset(java.time.ZoneOffset.UTC));
        ps.setObject(9, t.finishedAt().map(i -> i.atOffset(java.time.ZoneOffset.UTC)).orElse(null));
    }

    private static void writeMetrics(Connection c, List<WriteBatch.Metrics> metrics) throws SQLException {
        if (metrics.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO metric(experiment_id, trial, step, name, metric_value, wall_time) VALUES (?,?,?,?,?,?)")) {
            for (WriteBatch.Metrics m : metrics) {
                for (var v : m.values().entrySet()) {
                    ps.setLong(1, m.experimentId());
                    ps.setInt(2, m.trial());
                    ps.setLong(3, m.step());
                    ps.setString(4, v.getKey());
                    ps.setDouble(5, v.getValue());
                    ps.setLong(6, m.wallTimeMillis());
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private static void writeEvents(Connection c, List<WriteBatch.Event> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO event(experiment_id, trial, kind, payload_json, at) VALUES (?,?,?,?,?)")) {
            for (WriteBatch.Event e : events) {
                ps.setLong(1, e.experimentId());
                if (e.trial() >= 0) {
                    ps.setInt(2, e.trial());
                } else {
                    ps.setNull(2, Types.INTEGER);
                }
                ps.setString(3, e.kind());
                ps.setString(4, e.payloadJson());
                ps.setObject(5, Instant.ofEpochMilli(e.atMillis()).atOffset(java.time.ZoneOffset.UTC));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void writePredictions(Connection c, List<StoredPrediction> predictions) throws SQLException {
        if (predictions.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("MERGE INTO curve_prediction(experiment_id, trial, observed_step, "
                + "observed_points, metric, model, horizon_step, final_mean, final_lower, final_upper, curve_json, at) "
                + "KEY (experiment_id, trial, observed_step) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
            for (StoredPrediction p : predictions) {
                int last = p.x().length - 1;
                ps.setLong(1, p.experimentId());
                ps.setInt(2, p.trial());
                ps.setLong(3, p.observedStep());
                ps.setInt(4, p.observedPoints());
                ps.setString(5, p.metric());
                ps.setString(6, p.model());
                for (int k = 0; k < 4; k++) {
                    double[] a = k == 0 ? p.x() : k == 1 ? p.mean() : k == 2 ? p.lower() : p.upper();
                    if (last >= 0) {
                        ps.setDouble(7 + k, a[last]);
                    } else {
                        ps.setNull(7 + k, Types.DOUBLE);
                    }
                }
                var curve = new java.util.LinkedHashMap<String, Object>();
                curve.put("x", p.x());
                curve.put("mean", p.mean());
                curve.put("lower", p.lower());
                curve.put("upper", p.upper());
                ps.setString(11, Json.write(curve));
                ps.setObject(12, p.at().atOffset(java.time.ZoneOffset.UTC));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The latest stored prediction of each trial of an experiment (by trial number). */
    public List<StoredPrediction> latestPredictions(long experimentId) {
        return query("SELECT p.* FROM curve_prediction p WHERE p.experiment_id = ? AND p.observed_step = "
                        + "(SELECT MAX(q.observed_step) FROM curve_prediction q WHERE q.experiment_id = p.experiment_id AND q.trial = p.trial) "
                        + "ORDER BY p.trial", ps -> ps.setLong(1, experimentId), Store::predictionRow);
    }

    /** Every stored prediction of one trial, by observed step. */
    public List<StoredPrediction> predictions(long experimentId, int trial) {
        return query("SELECT * FROM curve_prediction WHERE experiment_id = ? AND trial = ? ORDER BY observed_step", ps -> {
            ps.setLong(1, experimentId);
            ps.setInt(2, trial);
        }, Store::predictionRow);
    }

    private static StoredPrediction predictionRow(ResultSet rs) throws SQLException {
        var curve = Json.read(rs.getString("curve_json"));
        return new StoredPrediction(rs.getLong("experiment_id"), rs.getInt("trial"), rs.getLong("observed_step"),
                rs.getInt("observed_points"), rs.getString("metric"), rs.getString("model"), doubles(curve.path("x")),
                doubles(curve.path("mean")), doubles(curve.path("lower")), doubles(curve.path("upper")), instant(rs, "at"));
    }

    private static double[] doubles(com.fasterxml.jackson.databind.JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }

    private static final String SUMMARY = "SELECT e.*, "
            + "(SELECT COUNT(*) FROM trial t WHERE t.experiment_id = e.id) AS n_trials, "
            + "(SELECT COUNT(*) FROM trial t WHERE t.experiment_id = e.id AND t.state = 'COMPLETED') AS n_completed, "
            + "(SELECT COUNT(*) FROM trial t WHERE t.experiment_id = e.id AND t.state = 'FAILED') AS n_failed, "
            + "(SELECT MIN(trial_value) FROM trial t WHERE t.experiment_id = e.id AND t.state = 'COMPLETED') AS v_min, "
            + "(SELECT MAX(trial_value) FROM trial t WHERE t.experiment_id = e.id AND t.state = 'COMPLETED') AS v_max "
            + "FROM experiment e";

    /** Every experiment, newest first, with trial counts and best value. */
    public List<ExperimentSummary> experiments() {
        return query(SUMMARY + " ORDER BY e.id DESC", ps -> {
        }, this::summary);
    }

    public Optional<ExperimentSummary> summary(long id) {
        return query(SUMMARY + " WHERE e.id = ?", ps -> ps.setLong(1, id), this::summary).stream().findFirst();
    }

    public Optional<ExperimentRecord> experiment(long id) {
        return query("SELECT * FROM experiment WHERE id = ?", ps -> ps.setLong(1, id), this::experimentRow).stream().findFirst();
    }

    /** The trials of an experiment by number. */
    public List<Trial> trials(long experimentId) {
        return query("SELECT * FROM trial WHERE experiment_id = ? ORDER BY number", ps -> ps.setLong(1, experimentId), Store::trialRow);
    }

    /** Every metric point of an experiment, by trial and step. */
    public List<MetricPoint> metrics(long experimentId) {
        return query("SELECT trial, step, name, metric_value, wall_time FROM metric WHERE experiment_id = ? ORDER BY trial, step, name",
                ps -> ps.setLong(1, experimentId), Store::metricRow);
    }

    public List<MetricPoint> metrics(long experimentId, int trial) {
        return query("SELECT trial, step, name, metric_value, wall_time FROM metric WHERE experiment_id = ? AND trial = ? ORDER BY step, name",
                ps -> {
                    ps.setLong(1, experimentId);
                    ps.setInt(2, trial);
                }, Store::metricRow);
    }

    /** Number of event rows of an experiment. */
    public int eventCount(long experimentId) {
        return query("SELECT COUNT(*) FROM event WHERE experiment_id = ?", ps -> ps.setLong(1, experimentId), rs -> rs.getInt(1)).get(0);
    }

    /** Whether the experiment was stored by {@link #importArchive} (from an export file) rather than run here. */
    public boolean imported(long experimentId) {
        return query("SELECT COUNT(*) FROM event WHERE experiment_id = ? AND kind = 'imported'", ps -> ps.setLong(1, experimentId),
                rs -> rs.getInt(1)).get(0) > 0;
    }

    public Optional<ExperimentArchive> archive(long id) {
        return experiment(id).map(e -> new ExperimentArchive(e, trials(id), metrics(id)));
    }

    /** Stores an archived experiment under a new id, all or nothing; returns the id. */
    public long importArchive(ExperimentArchive archive) {
        ExperimentRecord e = archive.experiment();
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                long id = insertExperiment(c, Optional.empty(), e.name(), e.kind(), e.direction(), e.specJson(), e.baseDir(),
                        e.status(), e.message(), e.createdAt().atOffset(java.time.ZoneOffset.UTC), now());
                List<Trial> trials = archive.trials().stream().map(t -> new Trial(id, t.number(), t.params(), t.state(),
                        t.value(), t.lastStep(), t.error(), t.startedAt(), t.finishedAt())).toList();
                writeTrials(c, trials);
                var metrics = archive.metrics().stream().map(m -> new WriteBatch.Metrics(id, m.trial(), m.step(),
                        Map.of(m.name(), m.value()), m.wallTimeMillis())).toList();
                writeMetrics(c, metrics);
                writeEvents(c, List.of(new WriteBatch.Event(id, -1, "imported", Json.write(Map.of("from_id", e.id())),
                        System.currentTimeMillis())));
                c.commit();
                return id;
            } catch (SQLException | RuntimeException ex) {
                c.rollback();
                throw ex;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException ex) {
            throw failure("cannot import experiment '" + Columns.preview(e.name()) + "' into " + file(file), ex);
        }
    }

    /**
     * The name of an experiment's log and checkpoint folders: {@code <id>-<key>}, with a random key stored with it, so
     * that no other database's experiment (one beside it, or an earlier file at the same path) shares them; plain
     * {@code <id>} for experiments stored before keys existed.
     */
    public String folderName(long experimentId) {
        Optional<String> key = query("SELECT folder_key FROM experiment WHERE id = ?", ps -> ps.setLong(1, experimentId),
                rs -> Optional.ofNullable(rs.getString(1))).stream().findFirst().flatMap(k -> k);
        return key.map(k -> experimentId + "-" + k).orElse(String.valueOf(experimentId));
    }

    private static String newFolderKey() {
        byte[] key = new byte[6];
        FOLDER_KEYS.nextBytes(key);
        return HexFormat.of().formatHex(key);
    }

    private static final SecureRandom FOLDER_KEYS = new SecureRandom();

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, Binder binder, RowMapper<T> mapper) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                var out = new ArrayList<T>();
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
                return out;
            }
        } catch (SQLException e) {
            throw failure("cannot read database " + file(file), e);
        }
    }

    private ExperimentSummary summary(ResultSet rs) throws SQLException {
        ExperimentRecord e = experimentRow(rs);
        double best = e.direction() == Direction.MINIMIZE ? rs.getDouble("v_min") : rs.getDouble("v_max");
        boolean none = rs.wasNull();
        return new ExperimentSummary(e, rs.getInt("n_trials"), rs.getInt("n_completed"), rs.getInt("n_failed"),
                none ? OptionalDouble.empty() : OptionalDouble.of(best));
    }

    private ExperimentRecord experimentRow(ResultSet rs) throws SQLException {
        long parent = rs.getLong("parent_id");
        Optional<Long> parentId = rs.wasNull() ? Optional.empty() : Optional.of(parent);
        ExperimentStatus status = ExperimentStatus.valueOf(rs.getString("status"));
        Optional<String> message = Optional.ofNullable(rs.getString("message"));
        if (readOnly != null && (status == ExperimentStatus.RUNNING || status == ExperimentStatus.PAUSING
                || status == ExperimentStatus.STOPPING)) {
            // what markInterrupted would have stored: this process holds the file, so no engine runs these
            status = ExperimentStatus.INTERRUPTED;
            message = Optional.of(INTERRUPTED);
        }
        return new ExperimentRecord(rs.getLong("id"), parentId, rs.getString("name"), rs.getString("kind"),
                Direction.valueOf(rs.getString("direction")), rs.getString("spec_json"),
                Optional.ofNullable(rs.getString("base_dir")), status, message, instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    private static Trial trialRow(ResultSet rs) throws SQLException {
        double v = rs.getDouble("trial_value");
        OptionalDouble value = rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(v);
        return new Trial(rs.getLong("experiment_id"), rs.getInt("number"), Json.readMap(rs.getString("params_json")),
                TrialState.valueOf(rs.getString("state")), value, rs.getLong("last_step"),
                Optional.ofNullable(rs.getString("error")), instant(rs, "started_at"),
                Optional.ofNullable(rs.getObject("finished_at", OffsetDateTime.class)).map(OffsetDateTime::toInstant));
    }

    private static MetricPoint metricRow(ResultSet rs) throws SQLException {
        return new MetricPoint(rs.getInt(1), rs.getLong(2), rs.getString(3), rs.getDouble(4), rs.getLong(5));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? Instant.EPOCH : t.toInstant();
    }

    /** A connection of the pool, for the row stores of other features in this package (curricula). */
    Connection connection() throws SQLException {
        return pool.getConnection();
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(java.time.ZoneOffset.UTC);
    }

    @Override
    public void close() {
        if (housekeeping != null) {
            housekeeping.close();
        }
        if (inMemory) {
            try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                st.execute("SHUTDOWN");
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        pool.dispose();
        // H2 closes the database with its last connection; a final SHUTDOWN would also compact, which we skip for speed.
    }
}
