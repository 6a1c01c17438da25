package dev.orchard.engine.store;

/** Another process has the database open. */
public class StoreLockedException extends StoreException {
    public StoreLockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
