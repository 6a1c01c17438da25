package dev.orchard.engine.execute;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orchard.engine.json.Json;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code @orchard {json}} report line of a command trial: {@code {"step": 3, "loss": 0.2, "acc": 0.9}}. The step
 * may be left out (the previous step + 1); other numeric fields are metrics; fields that are not numbers (a note, a
 * tag) are skipped. Non-finite values ({@code NaN}, {@code Infinity}, {@code 1e400}) are set apart: they are not
 * metrics, but a diverged objective must still fail its trial.
 */
record MetricLine(long step, Map<String, Double> values, Map<String, Double> nonFinite) {
    static final String PREFIX = "@orchard";

    /** True for lines meant as reports: the prefix alone, or followed by a space or the JSON itself. */
    static boolean isReport(String line) {
        return line.startsWith(PREFIX) && (line.length() == PREFIX.length()
                || line.charAt(PREFIX.length()) == ' ' || line.charAt(PREFIX.length()) == '{');
    }

    /**
     * Parses a report line (with its prefix); {@code IllegalArgumentException} says why a line is malformed: not JSON,
     * not an object, a step that is not a non-negative integer, or no numeric value at all.
     */
    static MetricLine parse(String line, long previousStep) {
        String json = line.substring(PREFIX.length()).trim();
        JsonNode n;
        try {
            n = Json.WIRE.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("expected a JSON object after @orchard, got: " + abbreviate(json));
        }
        long step = previousStep + 1;
        JsonNode s = n.get("step");
        if (s != null) {
            // canConvertToLong: 1e30 or 2^70 written as an integer would otherwise wrap around
            if (!s.isIntegralNumber() || !s.canConvertToLong() || s.asLong() < 0) {
                throw new IllegalArgumentException("\"step\" must be a non-negative integer, got " + abbreviate(s.toString()));
            }
            step = s.asLong();
        }
        var values = new LinkedHashMap<String, Double>();
        var nonFinite = new LinkedHashMap<String, Double>();
        String notNumber = null;
        for (var f : n.properties()) {
            if (f.getKey().equals("step")) {
                continue;
            }
            if (!f.getValue().isNumber()) {
                notNumber = notNumber == null ? f.getKey() : notNumber;
                continue;
            }
            double v = f.getValue().asDouble();
            (Double.isFinite(v) ? values : nonFinite).put(f.getKey(), v);
        }
        if (values.isEmpty() && nonFinite.isEmpty()) {
            if (notNumber != null) {
                throw new IllegalArgumentException("no numeric value: \"" + abbreviate(notNumber) + "\" is "
                        + n.get(notNumber).getNodeType().name().toLowerCase(java.util.Locale.ROOT) + ", not a number");
            }
            if (s == null) {
                throw new IllegalArgumentException("no values in " + abbreviate(json));
            }
        }
        return new MetricLine(step, values, nonFinite);
    }

    static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
