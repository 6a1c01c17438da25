package dev.orchard.engine.experiment;

import dev.orchard.engine.execute.Processes;
import dev.orchard.engine.json.Specs;
import dev.orchard.engine.trial.ExperimentStatus;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Log and checkpoint folders belong to one experiment of one database: two databases in one folder, or a database
 * deleted and made again, each start at experiment 1 and must still not share a trial's checkpoint or log.
 */
@Timeout(120)
class ExperimentFoldersTest {
    @TempDir
    Path dir;

    /** One trial that notes the checkpoint it was given to resume from, then leaves a checkpoint of its own. */
    ExperimentSpec spec() {
        return Specs.parse("""
                {"format": "orchard.experiment/1", "name": "folders",
                 "space": {"params": [{"name": "x", "type": "uniform", "low": 0, "high": 1}]},
                 "optimizer": "random", "scheduler": {"type": "sync_batch", "batch_size": 1},
                 "objective": {"type": "command", "metric": "loss", "command": ["sh", "-c",
                   "echo \\"resume-from=[$ORCHARD_RESUME_FROM]\\"; echo mine > \\"$ORCHARD_CHECKPOINT_DIR/state\\"; echo '@orchard {{\\"loss\\": 1}}'"]},
                 "budget": 1, "seed": 1}
                """, "spec");
    }

    long runOne(Path db) throws InterruptedException {
        try (Orchard orchard = Orchard.open(db)) {
            Sweep sweep = orchard.start(spec(), dir);
            assertThat(sweep.await(Duration.ofSeconds(60))).contains(ExperimentStatus.COMPLETED);
            return sweep.experimentId();
        }
    }

    String log(Path db, long id) throws Exception {
        try (Orchard orchard = Orchard.open(db)) {
            return Files.readString(orchard.trialLog(id, 0));
        }
    }

    @Test
    void twoDatabasesInOneFolderAndARemadeOneShareNoTrialFolder() throws Exception {
        assumeTrue(Processes.onPath("sh"), "needs sh");
        Path a = dir.resolve("data").resolve("a");
        Path b = dir.resolve("data").resolve("b");
        long idA = runOne(a);
        long idB = runOne(b);
        assertThat(idA).isEqualTo(idB).isEqualTo(1);
        assertThat(log(a, 1)).contains("resume-from=[]").containsOnlyOnce("@orchard");
        assertThat(log(b, 1)).as("b's trial 0 was not given a's checkpoint, nor a's log").contains("resume-from=[]")
                .containsOnlyOnce("@orchard");

        Files.delete(dir.resolve("data").resolve("a.mv.db"));
        runOne(a); // the same path, a new database: experiment 1 again
        assertThat(log(a, 1)).contains("resume-from=[]").containsOnlyOnce("@orchard");
        try (var logs = Files.list(dir.resolve("data").resolve("logs"))) {
            List<String> names = logs.map(p -> p.getFileName().toString()).sorted().toList();
            assertThat(names).hasSize(3).allMatch(n -> n.matches("1-[0-9a-f]{12}"));
        }
    }

    @Test
    void anExperimentStoredBeforeFolderKeysKeepsItsFolders() throws Exception {
        assumeTrue(Processes.onPath("sh"), "needs sh");
        Path db = dir.resolve("history");
        runOne(db);
        var ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:file:" + db.toAbsolutePath());
        try (Connection c = ds.getConnection("orchard", "")) {
            c.createStatement().executeUpdate("UPDATE experiment SET folder_key = NULL");
        }
        try (Orchard orchard = Orchard.open(db)) {
            assertThat(orchard.trialLog(1, 0)).isEqualTo(dir.resolve("logs").resolve("1").resolve("trial-0.log"));
        }
    }
}
