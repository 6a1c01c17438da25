package dev.orchard.engine.store;

import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.MetricPoint;
import dev.orchard.engine.trial.Trial;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The history database as a real H2 file: what is written comes back after the file is closed and reopened. */
class StoreTest {

    @TempDir
    Path dir;

    static final String SPEC = "{\"format\":\"orchard.experiment/1\",\"name\":\"s\"}";
    static final Instant T0 = Instant.parse("2026-02-03T04:05:06.789012Z");

    static Trial started(long exp, int n, Instant at) {
        var params = new LinkedHashMap<String, Object>();
        params.put("x", n * 0.5);
        params.put("act", n % 2 == 0 ? "relu" : "tanh");
        params.put("depth", n + 1);
        return Trial.started(exp, n, params, at);
    }

    static WriteBatch batch(Map<Long, WriteBatch.Status> statuses, List<Trial> trials, List<WriteBatch.Metrics> metrics,
                            List<WriteBatch.Event> events) {
        return new WriteBatch(statuses, trials, List.of(), metrics, events);
    }

    static WriteBatch trials(Trial... ts) {
        return batch(Map.of(), List.of(ts), List.of(), List.of());
    }

    long create(Store s, String name, ExperimentStatus status) {
        return s.createExperiment(Optional.empty(), name, "sweep", Direction.MINIMIZE, SPEC, Optional.of("/base"), status);
    }

    @Test
    void everythingWrittenComesBackFromTheReopenedFile() {
        Path db = dir.resolve("history");
        long id;
        List<Trial> written = new ArrayList<>();
        try (Store s = Store.open(db)) {
            id = create(s, "round trip", ExperimentStatus.CREATED);
            long other = s.createExperiment(Optional.of(id), "child", "sweep", Direction.MAXIMIZE, SPEC, Optional.empty(),
                    ExperimentStatus.COMPLETED);
            s.write(batch(Map.of(id, new WriteBatch.Status(ExperimentStatus.RUNNING, null)), List.of(), List.of(),
                    List.of(new WriteBatch.Event(id, -1, "status", "{\"status\":\"running\"}", T0.toEpochMilli()))));
            for (int b = 0; b < 5; b++) {
                var ts = new ArrayList<Trial>();
                var ms = new ArrayList<WriteBatch.Metrics>();
                var es = new ArrayList<WriteBatch.Event>();
                for (int k = 0; k < 4; k++) {
                    int n = b * 4 + k;
                    Trial t = started(id, n, T0.plusSeconds(n));
                    Trial done = n % 5 == 3
                            ? t.finish(TrialState.FAILED, OptionalDouble.empty(), 1, Optional.of("exit code 3; last output:\nboom"), T0.plusSeconds(n + 1))
                            : t.finish(TrialState.COMPLETED, OptionalDouble.of(100 - n + 0.125), 2, Optional.empty(), T0.plusSeconds(n + 1));
                    ts.add(done);
                    written.add(done);
                    for (int step = 0; step < 3; step++) {
                        ms.add(new WriteBatch.Metrics(id, n, step, Map.of("loss", 1.0 / (step + 1 + n), "acc", step * 0.25),
                                T0.toEpochMilli() + step));
                    }
                    es.add(new WriteBatch.Event(id, n, "trial_finished", "{\"state\":\"completed\"}", T0.toEpochMilli()));
                }
                s.write(batch(Map.of(), ts, ms, es));
            }
            s.write(batch(Map.of(id, new WriteBatch.Status(ExperimentStatus.COMPLETED, "all done")), List.of(), List.of(),
                    List.of()));
            assertThat(s.experiment(other).orElseThrow().parentId()).contains(id);
        }

        try (Store s = Store.open(dir.resolve("history.mv.db"))) { // either name of the file opens it
            ExperimentRecord e = s.experiment(id).orElseThrow();
            assertThat(e.name()).isEqualTo("round trip");
            assertThat(e.kind()).isEqualTo("sweep");
            assertThat(e.direction()).isEqualTo(Direction.MINIMIZE);
            assertThat(e.specJson()).isEqualTo(SPEC);
            assertThat(e.baseDir()).contains("/base");
            assertThat(e.status()).isEqualTo(ExperimentStatus.COMPLETED);
            assertThat(e.message()).contains("all done");
            assertThat(e.parentId()).isEmpty();

            List<Trial> back = s.trials(id);
            assertThat(back).hasSize(20);
            for (int i = 0; i < 20; i++) {
                Trial w = written.get(i), r = back.get(i);
                assertThat(r.number()).isEqualTo(w.number());
                assertThat(r.experimentId()).isEqualTo(id);
                assertThat(r.state()).isEqualTo(w.state());
                assertThat(r.value()).isEqualTo(w.value());
                assertThat(r.lastStep()).isEqualTo(w.lastStep());
                assertThat(r.error()).isEqualTo(w.error());
                assertThat(r.startedAt()).isEqualTo(w.startedAt());
                assertThat(r.finishedAt()).isEqualTo(w.finishedAt());
                assertThat(r.params()).containsEntry("x", w.params().get("x")).containsEntry("act", w.params().get("act"));
                assertThat(((Number) r.params().get("depth")).longValue()).isEqualTo(((Number) w.params().get("depth")).longValue());
                assertThat(List.copyOf(r.params().keySet())).containsExactly("x", "act", "depth");
            }

            List<MetricPoint> metrics = s.metrics(id);
            assertThat(metrics).hasSize(20 * 3 * 2);
            assertThat(metrics).contains(new MetricPoint(7, 2, "loss", 1.0 / 10, T0.toEpochMilli() + 2));
            assertThat(s.metrics(id, 7)).hasSize(6).allMatch(m -> m.trial() == 7);
            assertThat(s.metrics(id, 7)).extracting(MetricPoint::step).isSorted();
            assertThat(s.eventCount(id)).isEqualTo(1 + 20);

            ExperimentSummary sum = s.summary(id).orElseThrow();
            assertThat(sum.trials()).isEqualTo(20);
            assertThat(sum.failed()).isEqualTo(4);
            assertThat(sum.completed()).isEqualTo(16);
            double min = written.stream().filter(t -> t.state() == TrialState.COMPLETED)
                    .mapToDouble(t -> t.value().getAsDouble()).min().orElseThrow();
            assertThat(sum.best()).hasValue(min);
            assertThat(s.experiments()).extracting(x -> x.experiment().id()).containsExactly(id + 1, id);
            // a maximising experiment's best is its largest value; one without completed trials has none
            assertThat(s.summary(id + 1).orElseThrow().best()).isEmpty();
            assertThat(s.experiment(9999)).isEmpty();
            assertThat(s.trials(9999)).isEmpty();
        }
    }

    @Test
    void aTrialStartedThenFinishedIsOneRowInItsFinalState() {
        try (Store s = Store.open(dir.resolve("h"))) {
            long id = create(s, "upsert", ExperimentStatus.RUNNING);
            Trial t = started(id, 0, T0);
            s.write(trials(t));
            assertThat(s.trials(id)).singleElement().satisfies(r -> {
                assertThat(r.state()).isEqualTo(TrialState.RUNNING);
                assertThat(r.finishedAt()).isEmpty();
                assertThat(r.value()).isEmpty();
            });
            s.write(trials(t.finish(TrialState.COMPLETED, OptionalDouble.of(0.5), 9, Optional.empty(), T0.plusSeconds(3))));
            assertThat(s.trials(id)).singleElement().satisfies(r -> {
                assertThat(r.state()).isEqualTo(TrialState.COMPLETED);
                assertThat(r.value()).hasValue(0.5);
                assertThat(r.lastStep()).isEqualTo(9);
                assertThat(r.finishedAt()).contains(T0.plusSeconds(3));
                assertThat(r.startedAt()).isEqualTo(T0);
            });
            // a failed trial loses its value column but keeps its error
            s.write(trials(t.finish(TrialState.FAILED, OptionalDouble.empty(), 1, Optional.of("bad"), T0.plusSeconds(4))));
            assertThat(s.trials(id)).singleElement().satisfies(r -> {
                assertThat(r.state()).isEqualTo(TrialState.FAILED);
                assertThat(r.value()).isEmpty();
                assertThat(r.error()).contains("bad");
            });
        }
    }

    @Test
    void aBatchIsStoredAllOrNothing() {
        try (Store s = Store.open(dir.resolve("h"))) {
            long id = create(s, "atomic", ExperimentStatus.RUNNING);
            String tooLong = "m".repeat(300); // metric names are at most 255 characters
            var bad = batch(Map.of(id, new WriteBatch.Status(ExperimentStatus.COMPLETED, null)), List.of(started(id, 0, T0)),
                    List.of(new WriteBatch.Metrics(id, 0, 0, Map.of(tooLong, 1.0), 0)),
                    List.of(new WriteBatch.Event(id, 0, "trial_started", null, 0)));
            assertThatThrownBy(() -> s.write(bad)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("cannot write to database").hasMessageContaining(s.path() + ".mv.db");
            assertThat(s.trials(id)).isEmpty();
            assertThat(s.eventCount(id)).isZero();
            assertThat(s.experiment(id).orElseThrow().status()).isEqualTo(ExperimentStatus.RUNNING);
            s.write(new WriteBatch(Map.of(), List.of(), List.of(), List.of(), List.of())); // empty: nothing to do
        }
    }

    @Test
    void importIsAllOrNothing() {
        try (Store s = Store.open(dir.resolve("h"))) {
            long id = create(s, "source", ExperimentStatus.CREATED);
            s.write(batch(Map.of(id, new WriteBatch.Status(ExperimentStatus.COMPLETED, null)), List.of(
                    started(id, 0, T0).finish(TrialState.COMPLETED, OptionalDouble.of(1.5), 1, Optional.empty(), T0.plusSeconds(1)),
                    started(id, 1, T0).finish(TrialState.FAILED, OptionalDouble.empty(), -1, Optional.of("x"), T0.plusSeconds(1))),
                    List.of(new WriteBatch.Metrics(id, 0, 0, Map.of("value", 3.0), 5), new WriteBatch.Metrics(id, 0, 1, Map.of("value", 1.5), 6)),
                    List.of()));
            ExperimentArchive a = s.archive(id).orElseThrow();
            assertThat(a.trials()).hasSize(2);
            assertThat(a.metrics()).hasSize(2);

            long copy = s.importArchive(a);
            assertThat(copy).isNotEqualTo(id);
            assertThat(s.experiment(copy).orElseThrow().name()).isEqualTo("source");
            assertThat(s.trials(copy)).extracting(Trial::state).containsExactly(TrialState.COMPLETED, TrialState.FAILED);
            assertThat(s.trials(copy)).allMatch(t -> t.experimentId() == copy);
            assertThat(s.metrics(copy)).isEqualTo(s.metrics(id));
            assertThat(s.eventCount(copy)).isEqualTo(1); // "imported"

            var before = snapshot(s);
            var broken = new ExperimentArchive(a.experiment(), a.trials(),
                    List.of(a.metrics().get(0), new MetricPoint(0, 5, "n".repeat(300), 1.0, 0)));
            assertThatThrownBy(() -> s.importArchive(broken)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("cannot import experiment 'source'");
            assertThat(snapshot(s)).isEqualTo(before);
        }
    }

    /** Every experiment with its trials and metrics, for comparing the whole database. */
    static List<Object> snapshot(Store s) {
        var out = new ArrayList<Object>();
        for (ExperimentSummary e : s.experiments()) {
            long id = e.experiment().id();
            out.add(e.experiment());
            out.add(s.trials(id));
            out.add(s.metrics(id));
            out.add(s.eventCount(id));
        }
        return out;
    }

    @Test
    void runningExperimentsBecomeInterruptedOnReopenAndPausedOnesStayPaused() {
        Path db = dir.resolve("h");
        var ids = new LinkedHashMap<ExperimentStatus, Long>();
        try (Store s = Store.open(db)) {
            for (ExperimentStatus st : ExperimentStatus.values()) {
                ids.put(st, create(s, st.wire(), st));
            }
        }
        try (Store s = Store.open(db)) {
            ids.forEach((st, id) -> {
                ExperimentRecord e = s.experiment(id).orElseThrow();
                // a paused sweep stays paused: it was left so on purpose (a closed engine pauses its sweeps)
                boolean wasActive = st == ExperimentStatus.RUNNING || st == ExperimentStatus.PAUSING
                        || st == ExperimentStatus.STOPPING;
                if (wasActive) {
                    assertThat(e.status()).as(st.wire()).isEqualTo(ExperimentStatus.INTERRUPTED);
                    assertThat(e.message()).hasValueSatisfying(m -> assertThat(m).contains("engine stopped"));
                } else {
                    assertThat(e.status()).as(st.wire()).isEqualTo(st);
                }
            });
        }
    }

    @Test
    void aFileThatIsNoDatabaseGivesAClearError() throws IOException {
        Path junk = dir.resolve("junk.mv.db");
        Files.write(junk, "this is not an H2 database, just text. ".repeat(200).getBytes());
        assertThatThrownBy(() -> Store.open(junk)).isInstanceOf(StoreException.class)
                .hasMessageContaining(junk.toString());
        assertThat(Files.readString(junk)).startsWith("this is not an H2 database"); // and it is left as it was
    }

    @Test
    void opensInNewFolders() {
        Path nested = dir.resolve("a").resolve("b").resolve("history");
        try (Store s = Store.open(nested)) {
            assertThat(s.path()).isEqualTo(nested);
            assertThat(s.experiments()).isEmpty();
        }
        assertThat(Files.exists(dir.resolve("a/b/history.mv.db"))).isTrue();
    }

    @Test
    void timestampsKeepMicroseconds() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        try (Store s = Store.open(dir.resolve("h"))) {
            long id = create(s, "time", ExperimentStatus.RUNNING);
            s.write(trials(started(id, 0, now)));
            assertThat(s.trials(id).get(0).startedAt()).isEqualTo(now);
        }
    }

    static WriteBatch checkpoint(long id, int next, List<Integer> observed) {
        var cp = new SweepCheckpoint(Optional.of("{\"drawn\":" + next + "}"), Optional.of("{}"), next, observed, List.of(next - 1));
        return new WriteBatch(Map.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(new WriteBatch.SweepWrite(id, List.of(), Map.of(), Optional.of(cp))));
    }

    static <T> T sql(Path db, String query, Class<T> type) throws java.sql.SQLException {
        try (var c = java.sql.DriverManager.getConnection("jdbc:h2:file:" + db.toAbsolutePath(), "orchard", "");
             var rs = c.createStatement().executeQuery(query)) {
            rs.next();
            return rs.getObject(1, type);
        }
    }

    /**
     * A checkpoint adds the trials told since the last one to their own table and rewrites only its one small row: what
     * it writes does not grow with the trials. The told order (not trial order) comes back after a reopen.
     */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void checkpointsAddTheTrialsToldSinceTheLastOne() throws Exception {
        Path db = dir.resolve("h");
        long id;
        var told = new ArrayList<Integer>();
        try (Store s = Store.open(db)) {
            id = create(s, "told", ExperimentStatus.RUNNING);
            assertThat(s.sweepCheckpoint(id)).isEmpty();
            for (int k = 0; k < 300; k++) {
                told.add(k % 3 == 0 ? k + 1 : k % 3 == 1 ? k - 1 : k); // out of number order, as parallel trials end
                s.write(checkpoint(id, k + 1, List.copyOf(told)));
                if (k % 50 == 0) {
                    s.write(checkpoint(id, k + 1, List.copyOf(told))); // the same list again adds nothing
                }
            }
            assertThat(s.sweepCheckpoint(id).orElseThrow().observed()).isEqualTo(told);
        }
        try (Store s = Store.open(db)) {
            SweepCheckpoint cp = s.sweepCheckpoint(id).orElseThrow();
            assertThat(cp.observed()).isEqualTo(told);
            assertThat(cp.nextNumber()).isEqualTo(300);
            assertThat(cp.optimizerStateJson()).contains("{\"drawn\":300}");
            assertThat(cp.pausedByUser()).containsExactly(299);
        }
        assertThat(sql(db, "SELECT COUNT(*) FROM sweep_observed", Long.class)).isEqualTo(300L);
        assertThat(sql(db, "SELECT LENGTH(observed_json) FROM sweep_state", Long.class)).isEqualTo(2L);
        try (Store s = Store.open(db)) { // a shorter list (no sweep writes one) replaces the longer
            s.write(checkpoint(id, 301, told.subList(0, 10)));
            assertThat(s.sweepCheckpoint(id).orElseThrow().observed()).isEqualTo(told.subList(0, 10));
        }
        assertThat(sql(db, "SELECT COUNT(*) FROM sweep_observed", Long.class)).isEqualTo(10L);
    }

    /** A checkpoint written before version 7 kept the told list in observed_json: it is read, and moved on the next write. */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aCheckpointOfAnEarlierVersionKeepsItsToldTrials() throws Exception {
        Path db = dir.resolve("h");
        long id;
        try (Store s = Store.open(db)) {
            id = create(s, "old", ExperimentStatus.INTERRUPTED);
        }
        try (var c = java.sql.DriverManager.getConnection("jdbc:h2:file:" + db.toAbsolutePath(), "orchard", "")) {
            c.createStatement().executeUpdate("INSERT INTO sweep_state(experiment_id, optimizer_state, scheduler_state, next_number, "
                    + "observed_json, paused_json, updated_at) VALUES (" + id + ", '{}', '{}', 9, '[4,2,7]', '[]', CURRENT_TIMESTAMP)");
        }
        try (Store s = Store.open(db)) {
            assertThat(s.sweepCheckpoint(id).orElseThrow().observed()).containsExactly(4, 2, 7);
            s.write(checkpoint(id, 10, List.of(4, 2, 7, 9)));
            assertThat(s.sweepCheckpoint(id).orElseThrow().observed()).containsExactly(4, 2, 7, 9);
        }
        assertThat(sql(db, "SELECT COUNT(*) FROM sweep_observed", Long.class)).isEqualTo(4L);
        assertThat(sql(db, "SELECT observed_json FROM sweep_state", String.class)).isEqualTo("[]");
    }
}
