package dev.orchard.engine.store;

import dev.orchard.engine.cli.CliProcess;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.MetricPoint;
import dev.orchard.engine.trial.Trial;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Creating and upgrading a database are all or nothing: real JVMs are killed with SIGKILL at every step of a set-up,
 * a failing migration leaves the file as it was, and files that older builds left half-upgraded (made for real, by
 * killing the old way of migrating) are repaired with what they held.
 */
class StoreSetupTest {
    /** Versions whose rows a database of version 1 holds (see {@link #versionOneWithHistory}). */
    static final double[] VALUES = {0.5, 1.75, 3.0, 4.25};

    @TempDir
    Path dir;

    /** A probe JVM that said where it is. */
    record Probe(Process process, String line) {
        void kill() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Starts {@link StoreSetupProbe} with {@code args} and waits for its line (the process may still run). */
    static Probe probe(String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        var cmd = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), StoreSetupProbe.class.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        var reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            var seen = new StringBuilder();
            try {
                for (String l; (l = reader.readLine()) != null; ) {
                    if (Stream.of("PAUSED ", "OPENED ", "MIGRATED", "FAILED ").anyMatch(l::startsWith)) {
                        return l;
                    }
                    seen.append(l).append('\n');
                }
            } catch (IOException e) {
                seen.append(e);
            }
            return "no answer; output was:\n" + seen;
        }).get(120, TimeUnit.SECONDS);
        return new Probe(p, line);
    }

    /** Runs a probe to its end and returns its line. */
    static String probeToEnd(String... args) throws Exception {
        Probe p = probe(args);
        assertThat(p.process().waitFor(60, TimeUnit.SECONDS)).as(p.line()).isTrue();
        return p.line();
    }

    /** The schema history of a database file: "version:success" per migration, read without writing. */
    static List<String> history(Path db) throws SQLException {
        var out = new ArrayList<String>();
        try (Connection c = DriverManager.getConnection(DatabaseFiles.url(db, true), "orchard", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT \"version\", \"success\" FROM \"flyway_schema_history\" "
                     + "WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
            while (rs.next()) {
                out.add(rs.getString(1) + ":" + rs.getBoolean(2));
            }
        }
        return out;
    }

    static List<String> columns(Path db, String table) throws SQLException {
        var out = new ArrayList<String>();
        try (Connection c = DriverManager.getConnection(DatabaseFiles.url(db, true), "orchard", "");
             ResultSet rs = c.getMetaData().getColumns(null, "PUBLIC", table, null)) {
            while (rs.next()) {
                out.add(rs.getString("COLUMN_NAME"));
            }
        }
        return out;
    }

    /** "version:true" for every migration Orchard has now, in order. */
    static List<String> allVersions() {
        return Stream.of(Flyway.configure().dataSource("jdbc:h2:mem:versions", "sa", "").locations("classpath:db/migration")
                .load().info().all()).map(m -> m.getVersion().getVersion() + ":true").toList();
    }

    /** What is beside the database that should not be there after an open: leftovers of a set-up. */
    static List<String> leftovers(Path folder) throws IOException {
        try (Stream<Path> all = Files.list(folder)) {
            return all.map(p -> p.getFileName().toString()).filter(n -> n.contains(".creating.") || n.contains(".upgrading."))
                    .toList();
        }
    }

    /**
     * A database as an older Orchard left it at version 1 (plain Flyway on the file), holding one experiment with four
     * completed trials and their series.
     */
    static void versionOneWithHistory(Path db) throws SQLException {
        String url = DatabaseFiles.url(db, false);
        Flyway.configure().dataSource(url, "orchard", "").locations("classpath:db/migration").target("1").load().migrate();
        try (Connection c = DriverManager.getConnection(url, "orchard", ""); Statement st = c.createStatement()) {
            String at = "TIMESTAMP WITH TIME ZONE '2026-01-02 03:04:05+00'";
            st.executeUpdate("INSERT INTO experiment(name, kind, direction, spec_json, status, created_at, updated_at) "
                    + "VALUES ('kept', 'sweep', 'MINIMIZE', '{}', 'COMPLETED', " + at + ", " + at + ")");
            for (int n = 0; n < VALUES.length; n++) {
                st.executeUpdate("INSERT INTO trial(experiment_id, number, params_json, state, trial_value, last_step, "
                        + "started_at, finished_at) VALUES (1, " + n + ", '{\"x\":" + n + "}', 'COMPLETED', " + VALUES[n]
                        + ", 2, " + at + ", " + at + ")");
                for (int step = 0; step < 3; step++) {
                    st.executeUpdate("INSERT INTO metric(experiment_id, trial, step, name, metric_value, wall_time) VALUES (1, "
                            + n + ", " + step + ", 'loss', " + (VALUES[n] + step) + ", " + (1000 + step) + ")");
                }
            }
        }
    }

    /** Checks that the store holds exactly what {@link #versionOneWithHistory} stored. */
    static void assertHoldsVersionOneHistory(Store s) {
        assertThat(s.experiments()).singleElement().satisfies(e -> {
            assertThat(e.experiment().name()).isEqualTo("kept");
            assertThat(e.experiment().status()).isEqualTo(ExperimentStatus.COMPLETED);
            assertThat(e.completed()).isEqualTo(VALUES.length);
        });
        List<Trial> trials = s.trials(1);
        assertThat(trials).hasSize(VALUES.length);
        for (int n = 0; n < VALUES.length; n++) {
            assertThat(trials.get(n).value().getAsDouble()).isEqualTo(VALUES[n]);
            assertThat(trials.get(n).params()).isEqualTo(Map.of("x", n));
        }
        List<MetricPoint> metrics = s.metrics(1);
        assertThat(metrics).hasSize(VALUES.length * 3);
        assertThat(metrics).allSatisfy(m -> assertThat(m.value()).isEqualTo(VALUES[m.trial()] + m.step()));
    }

    /** The store is fully usable: it stores an experiment with a trial process (a V2 column) and reads it back. */
    static void assertWritable(Store s) {
        long id = s.createExperiment(Optional.empty(), "after", "sweep", Direction.MINIMIZE, "{}", Optional.empty(),
                ExperimentStatus.COMPLETED);
        s.write(new WriteBatch(Map.of(), List.of(Trial.started(id, 0, Map.of("x", 1), java.time.Instant.now())), List.of(),
                List.of(), List.of()));
        s.recordProcess(id, 0, 4242, java.time.Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(s.unfinishedProcesses(id)).singleElement().satisfies(p -> assertThat(p.pid()).isEqualTo(4242));
    }

    /**
     * The steps of a set-up to kill a process at: the first two, one in the middle and the last three (the last
     * statement, the close and the rename). {@code StoreSetupCampaign} kills at every step and at random moments.
     */
    static List<Integer> stepsToKill(Path db) throws Exception {
        String opened = probeToEnd("open", db.toString());
        assertThat(opened).startsWith("OPENED ");
        int steps = Integer.parseInt(opened.split(" ")[2]);
        return java.util.stream.IntStream.of(1, 2, steps / 2, steps - 2, steps - 1, steps).filter(n -> n >= 1).distinct()
                .boxed().toList();
    }

    @Test
    @Timeout(600)
    void aKillAtAnyStepOfCreatingLeavesNoDatabaseOrAWholeOne() throws Exception {
        List<Integer> steps = stepsToKill(dir.resolve("count/history"));
        assertThat(steps).hasSize(6);
        for (int step : steps) {
            Path db = Files.createDirectories(dir.resolve("create-" + step)).resolve("history");
            Probe p = probe("open", db.toString(), String.valueOf(step));
            assertThat(p.line()).startsWith("PAUSED " + step + " ");
            p.kill();
            assertOpensAfterAKilledCreation(db, p.line());
        }
    }

    /** After a kill during creation: no database, or a whole one; either way it opens, empty, with no leftovers. */
    static void assertOpensAfterAKilledCreation(Path db, String where) throws Exception {
        if (Files.exists(DatabaseFiles.dataOf(db))) {
            assertThat(history(db)).as("killed at %s", where).isEqualTo(allVersions());
        }
        try (Store s = Store.open(db)) {
            assertThat(s.experiments()).isEmpty();
            assertWritable(s);
        }
        assertThat(history(db)).isEqualTo(allVersions());
        assertThat(leftovers(db.getParent())).as("killed at %s", where).isEmpty();
    }

    @Test
    @Timeout(600)
    void aKillAtAnyStepOfAnUpgradeKeepsWhatWasStored() throws Exception {
        Path counted = Files.createDirectories(dir.resolve("count")).resolve("history");
        versionOneWithHistory(counted);
        for (int step : stepsToKill(counted)) {
            Path db = Files.createDirectories(dir.resolve("upgrade-" + step)).resolve("history");
            versionOneWithHistory(db);
            Probe p = probe("open", db.toString(), String.valueOf(step));
            assertThat(p.line()).startsWith("PAUSED " + step + " ");
            p.kill();
            assertOpensAfterAKilledUpgrade(db, p.line());
        }
    }

    /** After a kill during an upgrade: the old file or the upgraded one, nothing between; it opens with all it held. */
    static void assertOpensAfterAKilledUpgrade(Path db, String where) throws Exception {
        assertThat(history(db)).as("killed at %s", where).isIn(List.of("1:true"), allVersions());
        try (Store s = Store.open(db)) {
            assertHoldsVersionOneHistory(s);
            assertWritable(s);
        }
        assertThat(history(db)).isEqualTo(allVersions());
        assertThat(leftovers(db.getParent())).as("killed at %s", where).isEmpty();
    }

    @Test
    @Timeout(300)
    void processesCreatingTheSameDatabaseAtOnceEachOpenItOrAreToldItIsInUse() throws Exception {
        Path db = dir.resolve("history");
        var probes = new ArrayList<CompletableFuture<String>>();
        for (int i = 0; i < 3; i++) {
            probes.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return StoreLockTest.probe(db);
                } catch (Exception e) {
                    return "FAILED " + e;
                }
            }));
        }
        var answers = new ArrayList<String>();
        for (var p : probes) {
            answers.add(p.get(240, TimeUnit.SECONDS));
        }
        assertThat(answers).allMatch(a -> a.matches("OPENED 0|LOCKED .*in use by another Orchard process.*"), "opened or in use")
                .contains("OPENED 0");
        assertThat(history(db)).isEqualTo(allVersions());
        assertThat(leftovers(dir)).isEmpty();
        try (Store s = Store.open(db)) {
            assertWritable(s);
        }
    }

    @Test
    @Timeout(120)
    void aFailingUpgradeLeavesTheFileAsItWas() throws Exception {
        Path db = dir.resolve("history");
        versionOneWithHistory(db);
        try (Store s = Store.open(db)) {
            assertHoldsVersionOneHistory(s);
        }
        var failing = new Migrations(List.of("classpath:db/migration", "classpath:db/failing"), step -> {
        });
        assertThatThrownBy(() -> Store.open(db, failing)).isInstanceOf(StoreException.class)
                .isNotInstanceOf(DiskFullException.class)
                .hasMessageContaining("cannot upgrade database " + DatabaseFiles.dataOf(db))
                .hasMessageContaining("to 9999 (it is unchanged)")
                .hasMessageContaining("V9999__fails_half_way.sql");
        // the half-applied column of the failed migration is only in the copy, which is gone
        assertThat(history(db)).isEqualTo(allVersions());
        assertThat(columns(db, "TRIAL")).isNotEmpty().doesNotContain("HALF_WAY");
        assertThat(leftovers(dir)).isEmpty();
        try (Store s = Store.open(db)) {
            assertHoldsVersionOneHistory(s);
            assertWritable(s);
        }
    }

    /**
     * An older Orchard migrated the file itself; killed after statement {@code statement} of version {@code version},
     * it left that version half-applied, and (if it was {@code retried}) its next start recorded a failed migration,
     * after which it refused to open the database for good. Orchard now repairs both and says so in one line.
     */
    @ParameterizedTest(name = "killed after statement {1} of V{0}, retried by the old build: {2}")
    @CsvSource({"1, 2, true", "2, 1, true", "2, 2, false", "3, 1, true"})
    @Timeout(300)
    void repairsADatabaseThatAnOlderOrchardLeftHalfUpgraded(String version, int statement, boolean retried) throws Exception {
        Path db = dir.resolve("history");
        boolean withHistory = !version.equals("1");
        if (withHistory) {
            versionOneWithHistory(db);
        }
        Probe old = probe("old", db.toString(), version, String.valueOf(statement));
        assertThat(old.line()).isEqualTo("PAUSED V" + version + " statement " + statement);
        old.kill();
        if (retried) {
            assertThat(probeToEnd("old", db.toString())).startsWith("FAILED ").contains("V" + version + "__");
            assertThat(probeToEnd("old", db.toString())).startsWith("FAILED ")
                    .contains("Detected failed migration to version " + version);
            assertThat(history(db)).contains(version + ":false");
        }

        CliProcess.Result list = CliProcess.run("list", "--db", db.toString());
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.err().lines()).singleElement().asString()
                .contains("repaired database " + DatabaseFiles.dataOf(db))
                .contains("upgrade to version " + version + " half-done")
                .contains("upgraded it from version " + (Integer.parseInt(version) - 1));
        assertThat(list.out()).contains(withHistory ? "kept" : "no experiments");
        assertThat(history(db)).isEqualTo(allVersions());
        try (Store s = Store.open(db)) {
            if (withHistory) {
                assertHoldsVersionOneHistory(s);
            }
            assertWritable(s);
        }
        assertThat(leftovers(dir)).isEmpty();
    }

    record CliRun(int code, String out, String err) {
    }

}
