package dev.orchard.engine.cli;

import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * Number, parameter and text formatting shared by the commands. Every piece of text a user or a file controls
 * (experiment and stage names, parameters, trial errors, messages, paths) goes through {@link #safe} or
 * {@link #safeLines} before it reaches the terminal, so a name holding {@code ESC [2J}, a carriage return or a bidi
 * override is shown as {@code \e[2J}, {@code \r}, {@code \u202e} instead of acting on the terminal.
 */
final class Format {
    private Format() {
    }

    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e12) {
            return String.valueOf((long) v);
        }
        double a = Math.abs(v);
        return a != 0 && (a < 1e-3 || a >= 1e6) ? String.format(Locale.ROOT, "%.4e", v) : String.format(Locale.ROOT, "%.6g", v);
    }

    static String number(OptionalDouble v) {
        return v.isPresent() ? number(v.getAsDouble()) : "-";
    }

    static String params(Map<String, Object> p) {
        return p.entrySet().stream().map(e -> safe(e.getKey()) + "=" + (e.getValue() instanceof Double d ? number(d) : safe(String.valueOf(e.getValue()))))
                .collect(Collectors.joining(", "));
    }

    /** The text on one line with every control character, bidi control and line separator written as a visible escape. */
    static String safe(String s) {
        return escape(s, false);
    }

    /** {@link #safe}, but newlines stay (multi-line messages, JSON); a carriage return is still escaped. */
    static String safeLines(String s) {
        return escape(s, true);
    }

    private static String escape(String s, boolean keepNewlines) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String e = c == '\n' && keepNewlines ? null : escape(c);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                e = null; // a pair: one ordinary character
                if (out != null) {
                    out.append(c);
                }
                c = s.charAt(++i);
            } else if (Character.isSurrogate(c)) {
                e = String.format(Locale.ROOT, "\\u%04x", (int) c); // half a pair prints as '?' or worse
            }
            if (e != null && out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (out != null) {
                out.append(e != null ? e : String.valueOf(c));
            }
        }
        return out == null ? s : out.toString();
    }

    /** The escape for a character a terminal would act on, or that reorders or splits lines; null for an ordinary one. */
    private static String escape(char c) {
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            case 0x1b:
                return "\\e";
            default:
                break;
        }
        if (c < 0x20 || c == 0x7f) {
            return String.format(Locale.ROOT, "\\x%02x", (int) c);
        }
        boolean c1 = c >= 0x80 && c <= 0x9f;
        boolean bidi = c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069 || c == 0x200e || c == 0x200f || c == 0x061c;
        boolean separator = c == 0x2028 || c == 0x2029;
        return c1 || bidi || separator ? String.format(Locale.ROOT, "\\u%04x", (int) c) : null;
    }

    /** Cuts text (already made safe) to {@code n} characters, marking the cut with an ellipsis. */
    static String truncate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
