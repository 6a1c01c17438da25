package dev.orchard.engine.store;

/**
 * How long the text the history keeps may be. The widths are those of the columns in the migrations
 * ({@code V1__history.sql}: names 255, kinds 32, messages and folders 4096); the bounds of text kept in CLOBs are
 * Orchard's own, so one imported value cannot fill the database. Everything is checked before it reaches SQL, so a
 * value too long gets an error naming the field and the limit instead of a database error quoting the whole value.
 */
public final class Columns {
    /** {@code experiment.name}, {@code metric.name}. */
    public static final int NAME = 255;
    /** {@code experiment.kind}. */
    public static final int KIND = 32;
    /** {@code experiment.message}. */
    public static final int MESSAGE = 4096;
    /** {@code experiment.base_dir}. */
    public static final int BASE_DIR = 4096;
    /** {@code curve_prediction.metric} ({@code V5__predict.sql}): the objective's metric goes there too. */
    public static final int PREDICTION_METRIC = 200;
    /** A trial's error (a CLOB): the engine's own are its message and the last 15 output lines of at most 64 KiB each. */
    public static final int ERROR = 1 << 20;
    /** A string value of a choice parameter (it is stored in every trial's {@code params_json}, a CLOB). */
    public static final int VALUE = 4096;
    /** A spec's description (inside {@code spec_json}, a CLOB). */
    public static final int DESCRIPTION = 65_536;

    private Columns() {
    }

    /** Null when {@code value} fits in {@code max} characters, else the problem: how long it is and the limit. */
    public static String tooLong(String value, int max) {
        return value == null || value.length() <= max ? null
                : "is " + value.length() + " characters long; at most " + max + " are kept";
    }

    /** The start of a value for an error message: never the whole of a long one. */
    public static String preview(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }

    /** Throws {@link StoreException} naming the field when {@code value} is longer than {@code max}. */
    static void check(String field, String value, int max) {
        String problem = tooLong(value, max);
        if (problem != null) {
            throw new StoreException(field + " '" + preview(value) + "' " + problem, null);
        }
    }
}
