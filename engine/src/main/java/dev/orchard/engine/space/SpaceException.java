package dev.orchard.engine.space;

/** A search-space definition or value that does not fit; the message names the parameter. */
public class SpaceException extends IllegalArgumentException {
    private final String param;

    public SpaceException(String param, String message) {
        super(param == null ? message : "parameter '" + param + "': " + message);
        this.param = param;
    }

    /** The offending parameter's name, or empty for a problem of the space as a whole. */
    public String param() {
        return param == null ? "" : param;
    }
}
