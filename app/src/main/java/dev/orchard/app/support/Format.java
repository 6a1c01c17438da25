package dev.orchard.app.support;

import java.util.Locale;
import java.util.OptionalDouble;

/** Numbers and parameters as the workbench shows them. */
public final class Format {
    private Format() {
    }

    /** A value with up to {@code digits} significant digits, without trailing zeros ("0.397887", "1.5e-05"). */
    public static String number(double v, int digits) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "−∞";
        }
        if (v == 0) {
            return "0";
        }
        double abs = Math.abs(v);
        String s;
        if (abs >= 1e-4 && abs < 1e7) {
            s = new java.math.BigDecimal(v).round(new java.math.MathContext(digits)).stripTrailingZeros().toPlainString();
        } else {
            s = String.format(Locale.ROOT, "%." + (digits - 1) + "e", v);
            int e = s.indexOf('e');
            String mant = s.substring(0, e);
            if (mant.contains(".")) {
                mant = mant.replaceAll("0+$", "").replaceAll("\\.$", "");
            }
            s = mant + s.substring(e);
        }
        return s;
    }

    /** An objective value (6 significant digits). */
    public static String value(double v) {
        return number(v, 6);
    }

    public static String value(OptionalDouble v) {
        return v.isPresent() ? value(v.getAsDouble()) : "";
    }

    /** A parameter value: numbers with 5 significant digits, anything else as text. */
    public static String param(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double || v instanceof Float) {
            return number(((Number) v).doubleValue(), 5);
        }
        return String.valueOf(v);
    }

    /** "1 trial", "12 trials". */
    public static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
