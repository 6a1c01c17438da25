package dev.orchard.engine.execute;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Substitution of {@code {name}} placeholders into command arguments. Each argument is substituted on its own and the
 * result passed to the program directly (no shell), so a parameter value can never inject another command.
 */
public final class CommandLine {
    /** Placeholders every command may use besides its parameters. */
    public static final Set<String> BUILTIN_PLACEHOLDERS = Set.of("trial", "experiment");

    private CommandLine() {
    }

    /** The placeholder names used in one argument; {@code {{} and {@code }}} are literal braces. */
    public static Set<String> placeholders(String arg) {
        var names = new LinkedHashSet<String>();
        scan(arg, names::add, null);
        return names;
    }

    /** The argument with every placeholder replaced by its value (numbers in plain decimal or Java's E notation). */
    public static String substitute(String arg, Map<String, ?> values) {
        StringBuilder out = new StringBuilder();
        scan(arg, name -> {
            if (!values.containsKey(name)) {
                throw new IllegalArgumentException("{" + name + "} has no value");
            }
        }, (name, literal) -> out.append(name != null ? format(values.get(name)) : literal));
        return out.toString();
    }

    public static List<String> substituteAll(List<String> args, Map<String, ?> values) {
        var out = new ArrayList<String>(args.size());
        for (String a : args) {
            out.add(substitute(a, values));
        }
        return out;
    }

    static String format(Object v) {
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Double.toString(d); // keep "3.0" so float parameters stay floats for the program
        }
        return String.valueOf(v);
    }

    private interface Piece {
        void accept(String name, String literal);
    }

    private static void scan(String arg, java.util.function.Consumer<String> onName, Piece onPiece) {
        int i = 0;
        while (i < arg.length()) {
            char c = arg.charAt(i);
            if (c == '{' && i + 1 < arg.length() && arg.charAt(i + 1) == '{') {
                emit(onPiece, null, "{");
                i += 2;
            } else if (c == '}' && i + 1 < arg.length() && arg.charAt(i + 1) == '}') {
                emit(onPiece, null, "}");
                i += 2;
            } else if (c == '{') {
                int end = arg.indexOf('}', i);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed '{' in argument \"" + arg + "\" (write {{ for a literal brace)");
                }
                String name = arg.substring(i + 1, end).trim();
                if (name.isEmpty()) {
                    throw new IllegalArgumentException("empty {} in argument \"" + arg + "\"");
                }
                onName.accept(name);
                emit(onPiece, name, null);
                i = end + 1;
            } else if (c == '}') {
                throw new IllegalArgumentException("lone '}' in argument \"" + arg + "\" (write }} for a literal brace)");
            } else {
                emit(onPiece, null, String.valueOf(c));
                i++;
            }
        }
    }

    private static void emit(Piece p, String name, String literal) {
        if (p != null) {
            p.accept(name, literal);
        }
    }
}
