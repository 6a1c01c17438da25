package dev.orchard.engine.json;

import java.io.IOException;

/**
 * Input that is refused rather than read: a file that is not a regular file, one larger than its limit, a line longer
 * than its limit. The message names the source ("spec.json: larger than 50 MB"); the CLI exits with "bad input".
 */
public final class RefusedInputException extends IOException {
    private final String source;
    private final String problem;

    public RefusedInputException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
        this.problem = problem;
    }

    /** The file, or the stream ("standard input", a client's address), that was refused. */
    public String source() {
        return source;
    }

    /** What is wrong, without the source ("larger than 50 MB"). */
    public String problem() {
        return problem;
    }
}
