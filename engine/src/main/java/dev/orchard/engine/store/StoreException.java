package dev.orchard.engine.store;

/** The history database could not do what was asked; the message says which database and why. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
