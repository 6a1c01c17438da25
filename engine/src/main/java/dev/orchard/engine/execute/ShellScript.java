package dev.orchard.engine.execute;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where each placeholder of a POSIX shell script ({@code sh -c SCRIPT}) sits, and how its value is quoted there so the
 * shell reads it as data: one word made of exactly the value, never as code.
 * <ul>
 *   <li>unquoted: {@code 'value'}, a {@code '} inside written {@code '\''} (left as it is when the value holds only
 *   characters the shell never treats specially, so numbers and plain names look the same as before);</li>
 *   <li>inside {@code '...'}: each {@code '} written {@code '\''};</li>
 *   <li>inside {@code "..."}: a backslash before {@code $ ` " \};</li>
 *   <li>anywhere else (a here-document, a comment, {@code `...`}, {@code ${...}}, {@code $((...))}, {@code $'...'},
 *   right after a backslash or a {@code $}): only numbers are substituted, any other value is refused.</li>
 * </ul>
 * The scan follows quotes, backslashes, {@code $(...)} (with {@code case} patterns), backquotes, parameter and
 * arithmetic expansions, comments and here-documents; it is not a full shell parser, which is why the contexts it
 * cannot quote for are restricted to numbers rather than guessed.
 */
final class ShellScript {
    /** A placeholder's surroundings: how to quote there, and for the restricted ones, what they are. */
    record Context(Kind kind, String where) {
        enum Kind { UNQUOTED, SINGLE_QUOTED, DOUBLE_QUOTED, NUMBERS_ONLY }

        static final Context UNQUOTED = new Context(Kind.UNQUOTED, "");
        static final Context SINGLE = new Context(Kind.SINGLE_QUOTED, "");
        static final Context DOUBLE = new Context(Kind.DOUBLE_QUOTED, "");

        static Context numbers(String where) {
            return new Context(Kind.NUMBERS_ONLY, where);
        }
    }

    /** Stands for a placeholder in the scanned text; which characters are placeholders is kept apart. */
    private static final char MARK = '\uFFFF';
    /** Values the shell reads as themselves unquoted ({@code =} not first: zsh expands {@code =cmd} to a path). */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.,:/@%+-][A-Za-z0-9_.,:/@%+=-]*");
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
    /** POSIX shells by program name ({@code bash}, {@code /bin/sh}, {@code zsh5.9}, ...). */
    private static final Pattern POSIX_SHELL = Pattern.compile("(ba|da|z|k|mk|a|ya|po|rba)?sh([0-9][0-9.]*)?");
    /** Shells whose quoting rules differ from POSIX: placeholders in their scripts are refused. */
    private static final Pattern OTHER_SHELL = Pattern.compile("(fish|csh|tcsh|pwsh|powershell)([0-9][0-9.]*)?");

    private ShellScript() {
    }

    /** A shell that runs a script given on its command line, and which argument that script is. */
    record Script(int index, String shell, boolean posix) {
    }

    /**
     * The script argument of the first shell in {@code args} that is given one with {@code -c} ({@code sh -c},
     * {@code bash -ec}, {@code env X=1 bash --norc -o pipefail -c}, {@code docker run img sh -c}); empty when no
     * argument is a shell's script.
     */
    static java.util.Optional<Script> find(List<String> args) {
        for (int k = 0; k < args.size(); k++) {
            String name = baseName(args.get(k));
            boolean posix = POSIX_SHELL.matcher(name).matches();
            if (!posix && !OTHER_SHELL.matcher(name).matches()) {
                continue;
            }
            int script = scriptAfter(args, k + 1);
            if (script >= 0) {
                return java.util.Optional.of(new Script(script, name, posix));
            }
        }
        return java.util.Optional.empty();
    }

    private static String baseName(String program) {
        int slash = program.lastIndexOf('/');
        return program.substring(slash + 1);
    }

    /** The index of the script when the shell's options (from {@code from}) include {@code -c}; -1 otherwise. */
    private static int scriptAfter(List<String> args, int from) {
        boolean c = false;
        for (int i = from; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                return c && i + 1 < args.size() ? i + 1 : -1;
            }
            if (a.startsWith("--")) {
                if (a.equals("--rcfile") || a.equals("--init-file")) {
                    i++;
                }
                continue;
            }
            if (a.length() > 1 && (a.charAt(0) == '-' || a.charAt(0) == '+')) {
                for (int j = 1; j < a.length(); j++) {
                    char o = a.charAt(j);
                    if (o == 'c' && a.charAt(0) == '-') {
                        c = true;
                    } else if (o == 'o' || o == 'O') {
                        i++; // the option's name is the next argument
                    }
                }
                continue;
            }
            return c ? i : -1;
        }
        return -1;
    }

    /** The contexts of the placeholders of a script, in order; pieces are literal text and placeholder names. */
    static List<Context> contexts(List<CommandLine.Piece> pieces) {
        StringBuilder text = new StringBuilder();
        var marks = new java.util.BitSet();
        for (CommandLine.Piece p : pieces) {
            if (p.name() != null) {
                marks.set(text.length());
                text.append(MARK);
            } else {
                text.append(p.literal());
            }
        }
        return new Scanner(text.toString(), marks).scan();
    }

    /** The value as the shell should read it at a placeholder in {@code context}; refused where it cannot be. */
    static String quote(String name, String value, Context context) {
        return switch (context.kind()) {
            case UNQUOTED -> PLAIN.matcher(value).matches() ? value : "'" + value.replace("'", "'\\''") + "'";
            case SINGLE_QUOTED -> value.replace("'", "'\\''");
            case DOUBLE_QUOTED -> value.replaceAll("([\\\\$`\"])", "\\\\$1");
            case NUMBERS_ONLY -> {
                if (!NUMBER.matcher(value).matches()) {
                    throw new IllegalArgumentException("{" + name + "} is " + context.where() + " of a shell script, where only numbers"
                            + " can be substituted safely, and its value '" + shorten(value) + "' is not one; pass it as an"
                            + " argument instead (sh -c '... \"$1\"' sh {" + name + "})");
                }
                yield value;
            }
        };
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    /** One pass over the script with a stack of the constructs the scan is inside. */
    private static final class Scanner {
        private enum Kind { COMMAND, SUBSTITUTION, SINGLE, DOUBLE, BACKQUOTE, PARAMETER, ARITHMETIC, ANSI, COMMENT }

        private static final class Frame {
            final Kind kind;
            int depth;
            int cases;

            Frame(Kind kind) {
                this.kind = kind;
            }
        }

        private record Heredoc(String delimiter, boolean stripTabs) {
        }

        private final String s;
        private final java.util.BitSet marks;
        private final Deque<Frame> stack = new ArrayDeque<>();
        private final List<Heredoc> pending = new ArrayList<>();
        private final List<Context> out = new ArrayList<>();
        private boolean wordStart = true;
        private int i;

        Scanner(String s, java.util.BitSet marks) {
            this.s = s;
            this.marks = marks;
            stack.push(new Frame(Kind.COMMAND));
        }

        private boolean mark(int at) {
            return at < s.length() && marks.get(at);
        }

        private char at(int k) {
            return k < s.length() ? s.charAt(k) : 0;
        }

        List<Context> scan() {
            while (i < s.length()) {
                Frame f = stack.peek();
                switch (f.kind) {
                    case COMMAND, SUBSTITUTION -> command(f);
                    case SINGLE -> quoted('\'', Context.SINGLE);
                    case DOUBLE -> doubleQuoted();
                    case BACKQUOTE -> escapedUntil('`', Context.numbers("inside `...`"));
                    case ANSI -> escapedUntil('\'', Context.numbers("inside $'...'"));
                    case PARAMETER -> parameter(f);
                    case ARITHMETIC -> arithmetic(f);
                    case COMMENT -> comment();
                }
            }
            return out;
        }

        private void command(Frame f) {
            char c = s.charAt(i);
            if (mark(i)) {
                out.add(Context.UNQUOTED);
                wordStart = false;
                i++;
            } else if (c == '\\') {
                backslash("after a backslash");
                wordStart = false;
            } else if (c == '\'') {
                push(Kind.SINGLE, 1);
            } else if (c == '"') {
                push(Kind.DOUBLE, 1);
            } else if (c == '`') {
                push(Kind.BACKQUOTE, 1);
            } else if (c == '$') {
                dollar(true);
            } else if (c == '#' && wordStart) {
                push(Kind.COMMENT, 1);
            } else if (c == '<' && at(i + 1) == '<') {
                redirectHere();
            } else if (c == '\n') {
                i++;
                wordStart = true;
                if (!pending.isEmpty()) {
                    heredocBodies();
                }
            } else if (wordStart && f.kind == Kind.SUBSTITUTION && word("case")) {
                f.cases++;
                i += 4;
                wordStart = false;
            } else if (wordStart && f.kind == Kind.SUBSTITUTION && word("esac")) {
                f.cases = Math.max(0, f.cases - 1);
                i += 4;
                wordStart = false;
            } else if ((c == '(' || c == ')') && f.kind == Kind.SUBSTITUTION && f.cases > 0) {
                i++; // a case pattern's parentheses, not the end of $(...)
                wordStart = true;
            } else if (c == '(' && f.kind == Kind.SUBSTITUTION) {
                f.depth++;
                i++;
                wordStart = true;
            } else if (c == ')' && f.kind == Kind.SUBSTITUTION) {
                i++;
                wordStart = true;
                if (f.depth == 0) {
                    stack.pop();
                    wordStart = false;
                } else {
                    f.depth--;
                }
            } else {
                wordStart = Character.isWhitespace(c) || ";&|()<>".indexOf(c) >= 0;
                i++;
            }
        }

        /** True when the word at {@code i} is exactly {@code w} (a keyword, not the start of a longer word). */
        private boolean word(String w) {
            if (!s.startsWith(w, i)) {
                return false;
            }
            char next = at(i + w.length());
            return next == 0 || (!mark(i + w.length()) && (Character.isWhitespace(next) || ";&|()<>".indexOf(next) >= 0));
        }

        private void push(Kind kind, int consumed) {
            stack.push(new Frame(kind));
            i += consumed;
            wordStart = true;
        }

        private void backslash(String where) {
            if (mark(i + 1)) {
                out.add(Context.numbers(where));
            }
            i += 2;
        }

        /** At a {@code $}: {@code $(}, {@code $((}, {@code ${}, {@code $'} (unquoted only) open a construct. */
        private void dollar(boolean unquoted) {
            char next = at(i + 1);
            if (mark(i + 1)) {
                out.add(Context.numbers("right after a $"));
                i += 2;
            } else if (next == '(' && at(i + 2) == '(' && !mark(i + 2)) {
                push(Kind.ARITHMETIC, 3);
            } else if (next == '(') {
                push(Kind.SUBSTITUTION, 2);
            } else if (next == '{') {
                push(Kind.PARAMETER, 2);
            } else if (next == '\'' && unquoted) {
                push(Kind.ANSI, 2);
            } else {
                i++;
                wordStart = false;
            }
        }

        private void quoted(char end, Context context) {
            if (mark(i)) {
                out.add(context);
            } else if (s.charAt(i) == end) {
                stack.pop();
                wordStart = false;
            }
            i++;
        }

        private void doubleQuoted() {
            char c = s.charAt(i);
            if (mark(i)) {
                out.add(Context.DOUBLE);
                i++;
            } else if (c == '\\') {
                backslash("after a backslash");
            } else if (c == '"') {
                stack.pop();
                wordStart = false;
                i++;
            } else if (c == '`') {
                push(Kind.BACKQUOTE, 1);
            } else if (c == '$') {
                dollar(false);
            } else {
                i++;
            }
        }

        private void escapedUntil(char end, Context context) {
            if (mark(i)) {
                out.add(context);
                i++;
            } else if (s.charAt(i) == '\\') {
                backslash(context.where());
            } else {
                if (s.charAt(i) == end) {
                    stack.pop();
                    wordStart = false;
                }
                i++;
            }
        }

        private void parameter(Frame f) {
            char c = s.charAt(i);
            if (mark(i)) {
                out.add(Context.numbers("inside ${...}"));
                i++;
            } else if (c == '\\') {
                backslash("inside ${...}");
            } else if (c == '$' && at(i + 1) == '{') {
                f.depth++;
                i += 2;
            } else {
                if (c == '}') {
                    if (f.depth == 0) {
                        stack.pop();
                        wordStart = false;
                    } else {
                        f.depth--;
                    }
                }
                i++;
            }
        }

        private void arithmetic(Frame f) {
            char c = s.charAt(i);
            if (mark(i)) {
                out.add(Context.numbers("inside $((...))"));
            } else if (c == '(') {
                f.depth++;
            } else if (c == ')') {
                if (f.depth > 0) {
                    f.depth--;
                } else {
                    stack.pop();
                    wordStart = false;
                    if (at(i + 1) == ')') {
                        i++;
                    }
                }
            }
            i++;
        }

        private void comment() {
            if (s.charAt(i) == '\n') {
                stack.pop(); // the newline itself ends a command: the frame below reads it
                return;
            }
            if (mark(i)) {
                out.add(Context.numbers("in a comment"));
            }
            i++;
        }

        /** {@code <<<} is a here-string (its word is an ordinary word); {@code <<} and {@code <<-} start a here-document. */
        private void redirectHere() {
            if (at(i + 2) == '<') {
                i += 3;
                wordStart = true;
                return;
            }
            i += 2;
            boolean stripTabs = at(i) == '-' && !mark(i);
            if (stripTabs) {
                i++;
            }
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
            StringBuilder delimiter = new StringBuilder();
            char quote = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (mark(i)) {
                    throw new IllegalArgumentException("a placeholder cannot be (part of) a here-document's delimiter");
                }
                if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    } else {
                        delimiter.append(c);
                    }
                } else if (c == '\'' || c == '"') {
                    quote = c;
                } else if (c == '\\' && i + 1 < s.length()) {
                    delimiter.append(s.charAt(++i));
                } else if (Character.isWhitespace(c) || ";&|()<>".indexOf(c) >= 0) {
                    break;
                } else {
                    delimiter.append(c);
                }
                i++;
            }
            pending.add(new Heredoc(delimiter.toString(), stripTabs));
            wordStart = false;
        }

        /** Skips the bodies of the here-documents started on the line that just ended; placeholders there take numbers only. */
        private void heredocBodies() {
            for (Heredoc h : pending) {
                while (i < s.length()) {
                    int end = s.indexOf('\n', i);
                    int lineEnd = end < 0 ? s.length() : end;
                    boolean hasMark = marks.nextSetBit(i) >= 0 && marks.nextSetBit(i) < lineEnd;
                    String line = s.substring(i, lineEnd);
                    if (hasMark) {
                        for (int k = marks.nextSetBit(i); k >= 0 && k < lineEnd; k = marks.nextSetBit(k + 1)) {
                            out.add(Context.numbers("inside a here-document"));
                        }
                    }
                    i = end < 0 ? s.length() : end + 1;
                    String bare = h.stripTabs() ? line.replaceFirst("^\t+", "") : line;
                    if (!hasMark && bare.equals(h.delimiter())) {
                        break;
                    }
                }
            }
            pending.clear();
        }
    }
}
