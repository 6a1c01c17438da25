package dev.orchard.engine.cli;

import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.experiment.Sweep;
import dev.orchard.engine.json.Specs;
import dev.orchard.engine.store.DiskFullException;
import dev.orchard.engine.store.Store;
import dev.orchard.engine.store.Tmpfs;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.Trial;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A sweep that fills its disk (a real 4 MB tmpfs): the CLI says so in one line with its own exit code, reading works
 * while the disk is full, and once there is space again every trial committed before is there with its value.
 */
class DiskFullTest {
    /** A sweep that would run for an hour (4 trials at a time, 100 ms each): it ends when the disk is full. */
    static final String SPEC = """
            {"format": "orchard.experiment/1", "name": "fills-the-disk",
             "space": {"params": [{"name": "x1", "type": "uniform", "low": -5, "high": 10},
                                  {"name": "x2", "type": "uniform", "low": 0, "high": 15}]},
             "optimizer": "random", "scheduler": {"type": "sync_batch", "batch_size": 4},
             "objective": {"type": "builtin", "function": "branin", "curve_steps": 20, "delay_ms": 100},
             "budget": 100000, "seed": 7, "direction": "minimize"}""";

    @TempDir
    Path tmp;

    Tmpfs disk;

    @BeforeEach
    void mount() throws Exception {
        // room for the first trials of a sweep: H2 appends a chunk per commit and reuses freed ones only after 45 s
        disk = Tmpfs.mount(tmp.resolve("disk"), 32);
    }

    @AfterEach
    void unmount() throws Exception {
        if (disk != null) {
            disk.close();
        }
    }

    static CliProcess.Result cli(String... args) throws Exception {
        return CliProcess.run(args);
    }

    static Map<Integer, Trial> byNumber(List<Trial> trials) {
        return trials.stream().collect(Collectors.toMap(Trial::number, Function.identity()));
    }

    @Test
    @Timeout(300)
    void aSweepThatFillsTheDiskKeepsEveryTrialItCommitted() throws Exception {
        Path db = disk.dir().resolve("history");
        Path data = disk.dir().resolve("history.mv.db");
        List<Trial> committed;
        long id;
        try (Orchard orchard = Orchard.open(db)) {
            var forty = new CountDownLatch(40);
            AutoCloseable sub = orchard.events().subscribe(e -> {
                if (e instanceof EngineEvent.TrialFinished) {
                    forty.countDown();
                }
            });
            Sweep sweep = orchard.start(Specs.parse(SPEC, "spec"), tmp);
            id = sweep.experimentId();
            assertThat(forty.await(120, TimeUnit.SECONDS)).isTrue();
            sub.close();
            orchard.flush(); // everything published so far is stored
            committed = orchard.trials(id).stream().filter(t -> t.state() == TrialState.COMPLETED).toList();
            assertThat(committed).hasSizeGreaterThanOrEqualTo(40);

            disk.fill();
            assertThat(sweep.await(Duration.ofSeconds(120))).hasValue(ExperimentStatus.FAILED);
            assertThatThrownBy(orchard::flush).isInstanceOf(DiskFullException.class)
                    .hasMessage("no space left on device at " + data);
        }

        // while the disk is full: everything committed can be read
        try (Store s = Store.open(db)) {
            assertThat(s.experiment(id).orElseThrow().status()).isEqualTo(ExperimentStatus.INTERRUPTED);
            assertThat(byNumber(s.trials(id))).containsAllEntriesOf(byNumber(committed));
        }
        CliProcess.Result list = cli("list", "--db", db.toString());
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("fills-the-disk").contains("interrupted");
        assertThat(list.err()).doesNotContain("\tat ");

        disk.free();
        try (Store s = Store.open(db)) {
            assertThat(s.readOnly()).isFalse();
            assertThat(byNumber(s.trials(id))).containsAllEntriesOf(byNumber(committed));
        }
    }

    @Test
    @Timeout(300)
    void theCliSaysNoSpaceInOneLineAndReadingStillWorks() throws Exception {
        Path spec = tmp.resolve("spec.json");
        Files.writeString(spec, SPEC);
        String db = disk.dir().resolve("history").toString();
        disk.fillLeaving(1_500_000);

        CliProcess.Result run = cli("run", spec.toString(), "--db", db, "--quiet");
        assertThat(run.code()).as(run.err()).isEqualTo(Main.DISK_FULL);
        assertThat(run.err()).isEqualTo("orchard: no space left on device at " + db + ".mv.db" + System.lineSeparator());

        CliProcess.Result list = cli("list", "--db", db);
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).contains("fills-the-disk").contains("interrupted");
        assertThat(list.err()).doesNotContain("\tat ");
        CliProcess.Result show = cli("show", "1", "--trials", "-1", "--db", db);
        assertThat(show.code()).as(show.err()).isZero();
        List<String> trials = show.out().lines().filter(l -> l.matches("\\s*\\d+ [a-z]+\\s.*")).toList();
        assertThat(trials).isNotEmpty();
        Path export = tmp.resolve("export.json");
        CliProcess.Result exported = cli("export", "1", "-o", export.toString(), "--db", db);
        assertThat(exported.code()).as(exported.err()).isZero();
        assertThat(Files.readString(export)).contains("\"fills-the-disk\"");

        disk.free();
        CliProcess.Result again = cli("show", "1", "--trials", "-1", "--db", db);
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out().lines().filter(l -> l.matches("\\s*\\d+ [a-z]+\\s.*")).toList())
                .isEqualTo(trials);
    }
}
