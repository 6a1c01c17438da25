package dev.orchard.engine.store;

import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

class HousekeepingTest {
    @TempDir
    Path dir;

    /**
     * Small commits, one row each, as a sweep's history writer makes them: every commit writes a chunk, of which the
     * row stays live and the rest (the pages on the way to the root, a row updated each time) dies, so chunks end up
     * mostly garbage; H2's background thread, off under WRITE_DELAY=0, would rewrite them. Rounds of housekeeping do.
     * RETENTION_TIME=0 lets the test see it at once (H2 keeps a chunk 45 s otherwise).
     */
    @Test
    @Timeout(120)
    void roundsRewriteChunksThatBecameMostlyGarbage() throws Exception {
        var pool = JdbcConnectionPool.create("jdbc:h2:file:" + dir.resolve("h").toAbsolutePath()
                + ";WRITE_DELAY=0;RETENTION_TIME=0", "orchard", "");
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t(id INT PRIMARY KEY, v VARCHAR(200))");
            st.execute("CREATE TABLE hot(id INT PRIMARY KEY, n INT)");
            st.execute("INSERT INTO hot VALUES (1, 0)");
            for (int i = 0; i < 3000; i++) {
                st.executeUpdate("INSERT INTO t VALUES (" + i + ", REPEAT('x', 100))");
                st.executeUpdate("UPDATE hot SET n = " + i);
            }
            MVStore store = Housekeeping.mvStore(c);
            int before = store.getFileStore().getChunksFillRate();
            var housekeeping = new Housekeeping(pool, 3_600_000); // rounds by hand
            int rounds = 0;
            try {
                while (rounds < 100 && housekeeping.round()) {
                    st.execute("CHECKPOINT"); // the next commit writes what a round moved
                    rounds++;
                }
            } finally {
                housekeeping.close();
            }
            int after = store.getFileStore().getChunksFillRate();
            assertThat(before).as("live share of the chunks after the small commits").isLessThan(40);
            assertThat(after).as("after %d rounds", rounds).isGreaterThanOrEqualTo(Housekeeping.TARGET_FILL_RATE);
        } finally {
            pool.dispose();
        }
    }
}
