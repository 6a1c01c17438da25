package dev.orchard.engine.schedule;

/** A {@link SchedulerSpec} that does not fit; {@link #field()} names the JSON setting ({@code "eta"}), empty for the whole. */
public class SchedulerSpecException extends IllegalArgumentException {
    private final String field;

    public SchedulerSpecException(String field, String message) {
        super(message);
        this.field = field == null ? "" : field;
    }

    public String field() {
        return field;
    }
}
