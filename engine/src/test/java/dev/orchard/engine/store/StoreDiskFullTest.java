package dev.orchard.engine.store;

import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.Trial;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store on a real disk that is full (a 4 MB tmpfs): it still opens for reading, and an upgrade changes nothing. */
class StoreDiskFullTest {
    @TempDir
    Path tmp;

    Tmpfs disk;

    @BeforeEach
    void mount() throws Exception {
        disk = Tmpfs.mount(tmp.resolve("disk"), 4);
    }

    @AfterEach
    void unmount() throws Exception {
        if (disk != null) {
            disk.close();
        }
    }

    @Test
    @Timeout(120)
    void aFullDiskStillOpensTheDatabaseToReadIt() throws Exception {
        Path db = disk.dir().resolve("history");
        long id;
        try (Store s = Store.open(db)) {
            // left running by an engine that died: opening it writes its INTERRUPTED mark, which needs space
            id = s.createExperiment(Optional.empty(), "full", "sweep", Direction.MINIMIZE, "{}", Optional.empty(),
                    ExperimentStatus.RUNNING);
            Trial t = Trial.started(id, 0, Map.of("x", 1.5), Instant.parse("2026-01-01T00:00:00Z"));
            s.write(new WriteBatch(Map.of(), List.of(t.finish(dev.orchard.engine.trial.TrialState.COMPLETED,
                    OptionalDouble.of(2.25), 3, Optional.empty(), Instant.parse("2026-01-01T00:00:01Z"))), List.of(), List.of(),
                    List.of()));
        }
        // no free pages inside the file: the next commit must grow it
        try (Connection c = DriverManager.getConnection(DatabaseFiles.url(db, false), "orchard", "");
             Statement st = c.createStatement()) {
            st.execute("SHUTDOWN COMPACT");
        }
        disk.fill();

        try (Store s = Store.open(db)) {
            assertThat(s.readOnly()).isTrue();
            assertThat(s.experiments()).singleElement().satisfies(e -> {
                assertThat(e.experiment().status()).isEqualTo(ExperimentStatus.INTERRUPTED);
                assertThat(e.best()).hasValue(2.25);
            });
            assertThat(s.trials(id)).singleElement().satisfies(t -> assertThat(t.value()).hasValue(2.25));
            assertThatThrownBy(() -> s.createExperiment(Optional.empty(), "more", "sweep", Direction.MINIMIZE, "{}",
                    Optional.empty(), ExperimentStatus.RUNNING))
                    .isInstanceOf(DiskFullException.class)
                    .hasMessage("no space left on device at " + DatabaseFiles.dataOf(db));
        }

        disk.free();
        try (Store s = Store.open(db)) {
            assertThat(s.readOnly()).isFalse();
            assertThat(s.experiment(id).orElseThrow().status()).isEqualTo(ExperimentStatus.INTERRUPTED);
            assertThat(s.trials(id)).singleElement().satisfies(t -> assertThat(t.value()).hasValue(2.25));
            StoreSetupTest.assertWritable(s);
        }
    }

    @Test
    @Timeout(120)
    void anUpgradeWithoutRoomForItsCopyLeavesTheDatabaseAsItWas() throws Exception {
        Path db = disk.dir().resolve("history");
        StoreSetupTest.versionOneWithHistory(db);
        long size = Files.size(DatabaseFiles.dataOf(db));
        disk.fillLeaving(size / 2);

        assertThatThrownBy(() -> Store.open(db)).isInstanceOf(DiskFullException.class)
                .hasMessage("no space left on device at " + disk.dir() + "; upgrading database " + DatabaseFiles.dataOf(db)
                        + " needs room for a copy of it; it is unchanged");
        assertThat(StoreSetupTest.leftovers(disk.dir())).isEmpty();
        assertThat(StoreSetupTest.history(db)).containsExactly("1:true");

        disk.free();
        try (Store s = Store.open(db)) {
            StoreSetupTest.assertHoldsVersionOneHistory(s);
            StoreSetupTest.assertWritable(s);
        }
        assertThat(StoreSetupTest.history(db)).isEqualTo(StoreSetupTest.allVersions());
    }
}
