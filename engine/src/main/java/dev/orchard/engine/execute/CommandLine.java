package dev.orchard.engine.execute;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Substitution of {@code {name}} placeholders into command arguments. Each argument is substituted on its own and the
 * result passed to the program directly (no shell), so a parameter value cannot inject another command — unless the
 * command itself runs a shell on a script with placeholders ({@code sh -c 'train --lr {lr}'}): there the values are
 * quoted for the shell where they sit in the script (see {@link ShellScript}), so each is read as one word of data.
 * Placeholders in a non-POSIX shell's script ({@code fish -c}, {@code csh -c}) are refused. Code for other
 * interpreters ({@code python -c}, {@code perl -e}) and commands that hand their arguments to a remote shell
 * ({@code ssh}) get the values as they are: pass values there as arguments or read {@code ORCHARD_PARAMS}.
 */
public final class CommandLine {
    /** Placeholders every command may use besides its parameters. */
    public static final Set<String> BUILTIN_PLACEHOLDERS = Set.of("trial", "experiment");

    private CommandLine() {
    }

    /** The placeholder names used in one argument; {@code {{} and {@code }}} are literal braces. */
    public static Set<String> placeholders(String arg) {
        var names = new LinkedHashSet<String>();
        for (Piece p : pieces(arg)) {
            if (p.name() != null) {
                names.add(p.name());
            }
        }
        return names;
    }

    /** The argument with every placeholder replaced by its value (numbers in plain decimal or Java's E notation). */
    public static String substitute(String arg, Map<String, ?> values) {
        StringBuilder out = new StringBuilder();
        for (Piece p : pieces(arg)) {
            out.append(p.name() == null ? p.literal() : format(value(p.name(), values)));
        }
        return out.toString();
    }

    /**
     * Every argument substituted; a shell's {@code -c} script gets its values quoted for the shell where they sit
     * (refused where they cannot be quoted: see {@link ShellScript}).
     */
    public static List<String> substituteAll(List<String> args, Map<String, ?> values) {
        var script = ShellScript.find(args);
        var out = new ArrayList<String>(args.size());
        for (int i = 0; i < args.size(); i++) {
            boolean isScript = script.isPresent() && script.get().index() == i;
            out.add(isScript ? substituteScript(args.get(i), script.get(), values) : substitute(args.get(i), values));
        }
        return out;
    }

    private static String substituteScript(String arg, ShellScript.Script script, Map<String, ?> values) {
        List<Piece> pieces = pieces(arg);
        List<ShellScript.Context> contexts = contexts(pieces, script);
        StringBuilder out = new StringBuilder();
        int k = 0;
        for (Piece p : pieces) {
            if (p.name() == null) {
                out.append(p.literal());
            } else {
                out.append(ShellScript.quote(p.name(), format(value(p.name(), values)), contexts.get(k++)));
            }
        }
        return out.toString();
    }

    private static List<ShellScript.Context> contexts(List<Piece> pieces, ShellScript.Script script) {
        boolean any = pieces.stream().anyMatch(p -> p.name() != null);
        if (any && !script.posix()) {
            throw new IllegalArgumentException("placeholders in a " + script.shell() + " -c script cannot be quoted safely (its"
                    + " quoting is not POSIX); pass the values as arguments after the script instead");
        }
        return any ? ShellScript.contexts(pieces) : List.of();
    }

    /**
     * Checks a command's placeholders before anything runs: the shell-script rules of {@link #substituteAll} that do
     * not depend on values (a placeholder as a here-document's delimiter, in a non-POSIX shell's script), and that a
     * placeholder where only numbers can be substituted names a numeric parameter. Throws {@link CheckedArgument},
     * which carries the index of the argument.
     */
    public static void check(List<String> args, java.util.function.Predicate<String> numeric) {
        var script = ShellScript.find(args);
        if (script.isEmpty()) {
            return;
        }
        int index = script.get().index();
        try {
            List<Piece> pieces = pieces(args.get(index));
            List<ShellScript.Context> contexts = contexts(pieces, script.get());
            int k = 0;
            for (Piece p : pieces) {
                if (p.name() == null) {
                    continue;
                }
                ShellScript.Context c = contexts.get(k++);
                if (c.kind() == ShellScript.Context.Kind.NUMBERS_ONLY && !numeric.test(p.name())) {
                    throw new IllegalArgumentException("{" + p.name() + "} is " + c.where() + " of the " + script.get().shell()
                            + " -c script, where only numbers can be substituted safely, and it is not a numeric parameter;"
                            + " pass it as an argument instead (" + script.get().shell() + " -c '... \"$1\"' sh {" + p.name() + "})");
                }
            }
        } catch (CheckedArgument e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new CheckedArgument(index, e.getMessage());
        }
    }

    /** A problem of one argument of a command, with its index. */
    public static final class CheckedArgument extends IllegalArgumentException {
        private final int index;

        CheckedArgument(int index, String message) {
            super(message);
            this.index = index;
        }

        public int index() {
            return index;
        }
    }

    private static Object value(String name, Map<String, ?> values) {
        if (!values.containsKey(name)) {
            throw new IllegalArgumentException("{" + name + "} has no value");
        }
        return values.get(name);
    }

    static String format(Object v) {
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Double.toString(d); // keep "3.0" so float parameters stay floats for the program
        }
        return String.valueOf(v);
    }

    /** Literal text ({@code name} null) or a placeholder. */
    record Piece(String name, String literal) {
    }

    static List<Piece> pieces(String arg) {
        var out = new ArrayList<Piece>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < arg.length()) {
            char c = arg.charAt(i);
            if (c == '{' && i + 1 < arg.length() && arg.charAt(i + 1) == '{') {
                literal.append('{');
                i += 2;
            } else if (c == '}' && i + 1 < arg.length() && arg.charAt(i + 1) == '}') {
                literal.append('}');
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
                if (literal.length() > 0) {
                    out.add(new Piece(null, literal.toString()));
                    literal.setLength(0);
                }
                out.add(new Piece(name, null));
                i = end + 1;
            } else if (c == '}') {
                throw new IllegalArgumentException("lone '}' in argument \"" + arg + "\" (write }} for a literal brace)");
            } else {
                literal.append(c);
                i++;
            }
        }
        if (literal.length() > 0) {
            out.add(new Piece(null, literal.toString()));
        }
        return out;
    }
}
