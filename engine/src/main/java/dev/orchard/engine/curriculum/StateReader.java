package dev.orchard.engine.curriculum;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads a curriculum state, refusing one of another format or algorithm with a message that names the field. */
final class StateReader {
    private final JsonNode s;

    StateReader(JsonNode s, String algorithm) {
        if (s == null || !s.isObject()) {
            throw new CurriculumException("state must be a JSON object");
        }
        JsonNode f = s.get("format");
        if (f == null || !Curriculum.STATE_FORMAT.equals(f.asText())) {
            throw new CurriculumException("state: format: expected " + Curriculum.STATE_FORMAT + ", got "
                    + (f == null ? "none" : f.toString()) + " (a state of another Orchard version)");
        }
        JsonNode a = s.get("algorithm");
        if (a == null || !algorithm.equals(a.asText())) {
            throw new CurriculumException("state: algorithm: this curriculum is " + algorithm + ", the state is of "
                    + (a == null ? "none" : a.asText()));
        }
        this.s = s;
    }

    JsonNode array(String field) {
        JsonNode a = s.get(field);
        if (a == null || !a.isArray()) {
            throw new CurriculumException("state: " + field + ": expected an array");
        }
        return a;
    }

    long count(String field) {
        return count(s, field);
    }

    static long count(JsonNode n, String path) {
        JsonNode v = n.get(path.substring(path.lastIndexOf('.') + 1));
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
            throw new CurriculumException("state: " + path + ": expected an integer >= 0, got " + v);
        }
        return v.asLong();
    }

    static double number(JsonNode n, String path) {
        JsonNode v = n.get(path.substring(path.lastIndexOf('.') + 1));
        if (v == null || !v.isNumber()) {
            throw new CurriculumException("state: " + path + ": expected a number, got " + v);
        }
        return v.asDouble();
    }

    static String text(JsonNode n, String path) {
        JsonNode v = n.get(path.substring(path.lastIndexOf('.') + 1));
        if (v == null || !v.isTextual()) {
            throw new CurriculumException("state: " + path + ": expected a string, got " + v);
        }
        return v.asText();
    }
}
