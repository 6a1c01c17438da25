package dev.orchard.engine.predict;

/**
 * Bad curve data, bad features or a model directory that does not fit: the message names the file, line and field.
 * An {@link IllegalArgumentException}, so the CLI answers it with exit code 2 (bad input).
 */
public final class CurveDataException extends IllegalArgumentException {
    public CurveDataException(String message) {
        super(message);
    }
}
