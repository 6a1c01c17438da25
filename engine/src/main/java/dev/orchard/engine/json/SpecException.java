package dev.orchard.engine.json;

/**
 * A file that is not valid: the message starts with where — {@code file:line:column} for syntax errors, the JSON path
 * ({@code $.space.params[2].low}) for errors of content — then says what is wrong.
 */
public class SpecException extends RuntimeException {
    private final String source;
    private final String path;
    private final int line;
    private final int column;
    private final String problem;

    public SpecException(String source, int line, int column, String path, String problem, Throwable cause) {
        super(format(source, line, column, path, problem), cause);
        this.source = source;
        this.path = path == null ? "" : path;
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    /** What is wrong, without where. */
    public String problem() {
        return problem;
    }

    private static String format(String source, int line, int column, String path, String problem) {
        StringBuilder b = new StringBuilder(source == null ? "<input>" : source);
        if (line > 0) {
            b.append(':').append(line);
            if (column > 0) {
                b.append(':').append(column);
            }
        }
        b.append(": ");
        if (path != null && !path.isEmpty()) {
            b.append(path).append(": ");
        }
        return b.append(problem).toString();
    }

    public String source() {
        return source;
    }

    /** The JSON path of the problem ({@code $} for the whole document), or empty for syntax errors. */
    public String path() {
        return path;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }
}
