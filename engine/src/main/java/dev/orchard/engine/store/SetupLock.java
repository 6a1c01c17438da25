package dev.orchard.engine.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Held by whoever opens a database while it looks at its files, creates, upgrades or repairs it, and released once the
 * database is open: so no two Orchard processes build or replace the same file at once, and leftovers of a killed
 * set-up can be deleted safely (no one else is making them). H2's own lock on the data file still decides who may use
 * the database; this one only covers the set-up. A file lock ({@code BASE.setup.lock}) across processes, a
 * {@link ReentrantLock} per file within this JVM (file locks are per process).
 */
final class SetupLock implements AutoCloseable {
    private static final Map<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();
    private static final Duration WAIT = Duration.ofMinutes(2);

    private final ReentrantLock jvmLock;
    private final FileChannel channel;
    private final FileLock lock;
    /** Why no lock file could be had (a full disk, a read-only folder): set-up that writes files is refused then. */
    private final Optional<IOException> unavailable;

    private SetupLock(ReentrantLock jvmLock, FileChannel channel, FileLock lock, Optional<IOException> unavailable) {
        this.jvmLock = jvmLock;
        this.channel = channel;
        this.lock = lock;
        this.unavailable = unavailable;
    }

    /**
     * Waits (at most two minutes) until no other process sets up the database. Where the lock file cannot be created
     * the lock is not {@link #held()}: the database may then be opened but not created, upgraded or repaired.
     */
    static SetupLock acquire(DatabaseFiles files) {
        Path file = files.setupLock();
        ReentrantLock jvmLock = IN_JVM.computeIfAbsent(file, k -> new ReentrantLock());
        long deadline = System.nanoTime() + WAIT.toNanos();
        try {
            if (!jvmLock.tryLock(WAIT.toNanos(), TimeUnit.NANOSECONDS)) {
                throw busy(files);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting to open database " + files.data(), e);
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            return new SetupLock(jvmLock, null, null, Optional.of(e));
        }
        try {
            while (true) {
                FileLock lock = tryLock(channel);
                if (lock != null) {
                    return new SetupLock(jvmLock, channel, lock, Optional.empty());
                }
                if (System.nanoTime() > deadline) {
                    throw busy(files);
                }
                Thread.sleep(50); // another process sets the database up; a file lock cannot be waited on with a deadline
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            closeQuietly(channel);
            jvmLock.unlock();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof StoreException se ? se
                    : new StoreException("cannot lock " + file + " to open database " + files.data() + ": " + e.getMessage(), e);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // cannot happen while the JVM lock is held; treated as busy all the same
        }
    }

    private static StoreLockedException busy(DatabaseFiles files) {
        return new StoreLockedException("database " + files.data() + " is in use by another Orchard process (it is being "
                + "created or upgraded); wait for it, or use another database with --db", null);
    }

    /** Whether this process holds the lock (creating, upgrading and repairing need it). */
    boolean held() {
        return lock != null;
    }

    /** Why the lock is not held, if it is not. */
    Optional<IOException> unavailable() {
        return unavailable;
    }

    @Override
    public void close() {
        try {
            if (lock != null) {
                lock.release();
            }
        } catch (IOException ignored) {
            // closing the channel releases it too
        } finally {
            closeQuietly(channel);
            jvmLock.unlock();
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was written through it
            }
        }
    }
}
