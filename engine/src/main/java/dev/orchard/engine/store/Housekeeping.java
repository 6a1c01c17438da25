package dev.orchard.engine.store;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * H2's file housekeeping, on a timer of our own. H2 writes every commit as a new chunk and never overwrites live data;
 * its background thread rewrites chunks that became mostly garbage, so their space is reused. Orchard runs H2 with
 * {@code WRITE_DELAY=0} (a commit is in the file when it returns), which stops that thread: a sweep of many small
 * commits (every trial's start, reports and end) then left chunks with a few live pages each, and the file grew to
 * many times its live data until it was closed. This rewrites such chunks every {@link #PERIOD_MS} ms, a little at a
 * time, through H2's own {@link MVStore#compact}; the pages it moves are written with the next commit, and the space
 * they leave is reused after H2's retention time (45 s). The file then stays near its live size while open; closing
 * compacts it further ({@code MAX_COMPACT_TIME}).
 */
final class Housekeeping implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);
    static final long PERIOD_MS = 1000;
    /** Chunks are rewritten while their live share, over all chunks, is below this percentage (H2's default is 90). */
    static final int TARGET_FILL_RATE = 80;
    /** At most this many bytes are moved per round, so a commit waits briefly at most. */
    static final int WRITE_LIMIT = 1 << 20;

    private final JdbcConnectionPool pool;
    private final ScheduledExecutorService timer;
    private volatile boolean failed;

    /** Starts housekeeping for the file database behind {@code pool}, a round every {@code periodMs} ms. */
    Housekeeping(JdbcConnectionPool pool, long periodMs) {
        this.pool = pool;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "orchard-h2-housekeeping");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::round, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /** One round; true when it rewrote anything. */
    boolean round() {
        try (Connection c = pool.getConnection()) {
            MVStore store = mvStore(c);
            return !store.isClosed() && !store.isReadOnly() && store.compact(TARGET_FILL_RATE, WRITE_LIMIT);
        } catch (SQLException | RuntimeException e) {
            if (!failed) { // once: the file is merely bigger without it
                failed = true;
                LOG.warn("H2 housekeeping failed; the history file may grow until it is closed: {}", e.toString());
            }
            return false;
        }
    }

    /** H2's API has no online compaction: its store is reached through the embedded session. */
    static MVStore mvStore(Connection c) throws SQLException {
        return ((SessionLocal) c.unwrap(JdbcConnection.class).getSession()).getDatabase().getStore().getMvStore();
    }

    /** Stops the timer and waits for a round in progress, before the database closes. */
    @Override
    public void close() {
        timer.shutdown();
        try {
            if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("H2 housekeeping did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
