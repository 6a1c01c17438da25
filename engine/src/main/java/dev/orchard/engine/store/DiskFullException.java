package dev.orchard.engine.store;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;

/**
 * The disk that holds {@link #path()} is full, so nothing more could be written there. What was committed before is
 * kept; reading still works. The message is the one line a user sees: {@code no space left on device at PATH}.
 */
public class DiskFullException extends StoreException {
    /** How the operating systems word a full disk (Linux and macOS: ENOSPC; Windows: ERROR_DISK_FULL). */
    private static final String[] WORDINGS = {"no space left on device", "not enough space on the disk"};

    private final transient Path path;

    public DiskFullException(Path path, Throwable cause) {
        super("no space left on device at " + path, cause);
        this.path = path;
    }

    /** With a few words on what needed the space ({@code no space left on device at PATH; detail}). */
    public DiskFullException(Path path, String detail, Throwable cause) {
        super("no space left on device at " + path + "; " + detail, cause);
        this.path = path;
    }

    /** The folder or file that could not be written. */
    public Path path() {
        return path;
    }

    /**
     * Whether a full disk caused {@code error}: anything in its chain of causes and suppressed exceptions is a
     * {@code DiskFullException} or an I/O error the operating system worded so (H2 wraps it several times over, and
     * every later call on the database it then closed says only "database has been closed", with the first as cause).
     */
    public static boolean causedBy(Throwable error) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        var todo = new ArrayDeque<Throwable>();
        todo.add(error);
        while (!todo.isEmpty()) {
            Throwable t = todo.poll();
            if (!seen.add(t)) {
                continue;
            }
            if (t instanceof DiskFullException || t instanceof java.io.IOException && says(t.getMessage())) {
                return true;
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
            Collections.addAll(todo, t.getSuppressed());
        }
        return false;
    }

    private static boolean says(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(Locale.ROOT);
        for (String w : WORDINGS) {
            if (m.contains(w)) {
                return true;
            }
        }
        return false;
    }
}
