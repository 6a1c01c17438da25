package dev.orchard.engine.cli;

import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/** Number and parameter formatting shared by the commands. */
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
        return p.entrySet().stream().map(e -> e.getKey() + "=" + (e.getValue() instanceof Double d ? number(d) : e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
