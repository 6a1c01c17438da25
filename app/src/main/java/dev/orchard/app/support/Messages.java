package dev.orchard.app.support;

import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

import java.util.Optional;

/** The workbench's one line of news (shown in the status bar); errors are also shown to the user as dialogs. */
public final class Messages {
    public enum Level { INFO, ERROR }

    /** One message; {@code seq} makes two equal texts in a row still two changes. */
    public record Message(Level level, String text, long seq) {
    }

    private final ReadOnlyObjectWrapper<Message> last = new ReadOnlyObjectWrapper<>(this, "last");
    private long seq;

    public void info(String text) {
        last.set(new Message(Level.INFO, text, ++seq));
    }

    public void error(String text) {
        last.set(new Message(Level.ERROR, text, ++seq));
    }

    public ReadOnlyObjectProperty<Message> lastProperty() {
        return last.getReadOnlyProperty();
    }

    public Optional<Message> last() {
        return Optional.ofNullable(last.get());
    }

    /** A throwable as one line a user can read (its own message, else its type). */
    public static String describe(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException || c instanceof java.util.concurrent.ExecutionException)
                && c.getCause() != null) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return m == null || m.isBlank() ? c.getClass().getSimpleName() : m;
    }
}
