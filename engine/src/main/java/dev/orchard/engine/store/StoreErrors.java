package dev.orchard.engine.store;

import org.h2.api.ErrorCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Set;

/** Turns what H2, Flyway and file I/O throw into the store's exceptions, each with one line that says what and where. */
final class StoreErrors {
    /** H2's answers once a write failed: it closes the database, and later calls say only that. */
    private static final Set<Integer> WRITE_FAILURES = Set.of(ErrorCode.DATABASE_IS_CLOSED, ErrorCode.IO_EXCEPTION_1,
            ErrorCode.IO_EXCEPTION_2, ErrorCode.GENERAL_ERROR_1);
    /** Below this much free space, a failed write is taken for a full disk even if its wording says nothing of it. */
    private static final long NEARLY_FULL = 1 << 20;

    private StoreErrors() {
    }

    /**
     * A {@link DiskFullException} at {@code where} if a full disk caused {@code e}, else a {@link StoreException}
     * saying {@code doing} and why.
     */
    static StoreException of(String doing, Throwable e, Path where) {
        if (diskFull(e, where)) {
            return new DiskFullException(where, e);
        }
        return new StoreException(doing + ": " + e.getMessage(), e);
    }

    static boolean diskFull(Throwable e, Path where) {
        return DiskFullException.causedBy(e) || writeFailed(e) && nearlyFull(where);
    }

    private static boolean writeFailed(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && WRITE_FAILURES.contains(s.getErrorCode())) {
                return true;
            }
        }
        return false;
    }

    private static boolean nearlyFull(Path where) {
        Path folder = Files.isDirectory(where) ? where : where.toAbsolutePath().getParent();
        try {
            return Files.getFileStore(folder).getUsableSpace() < NEARLY_FULL;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Why a database could not be opened: another process has it, it is damaged, or the disk is full. */
    static StoreException opening(Path data, SQLException e) {
        if (e.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1) {
            return new StoreLockedException("database " + data + " is in use by another Orchard process; "
                    + "close that process (or its workbench) first, or use another database with --db", e);
        }
        if (e.getErrorCode() == ErrorCode.FILE_CORRUPTED_1 || e.getErrorCode() == ErrorCode.FILE_VERSION_ERROR_1) {
            return new StoreException("database " + data + " is damaged or not an Orchard database: " + e.getMessage(), e);
        }
        return of("cannot open database " + data, e, data);
    }
}
