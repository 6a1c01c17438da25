package dev.orchard.app.canvas;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the commands a document would run: every objective of type {@code command}, wherever it is (the experiment's
 * default, a stage's setting, inside loops and groups, inside stages the canvas could not read). An opened file's
 * commands run only after the user has seen them and agreed.
 */
public final class CommandConsent {
    private CommandConsent() {
    }

    /** Each command line as text, in document order, without repeats. */
    public static List<String> commands(CanvasDoc doc) {
        Set<String> out = new LinkedHashSet<>();
        walk(CanvasIO.write(doc), out, 0);
        return List.copyOf(out);
    }

    private static void walk(JsonNode n, Set<String> out, int depth) {
        if (depth > 256) {
            return;
        }
        if (n.isObject()) {
            if ("command".equals(n.path("type").asText()) && n.has("command")) {
                JsonNode c = n.get("command");
                if (c.isArray()) {
                    var parts = new java.util.ArrayList<String>();
                    c.forEach(p -> parts.add(p.asText()));
                    out.add(String.join(" ", parts));
                } else {
                    out.add(c.asText());
                }
            }
            n.elements().forEachRemaining(v -> walk(v, out, depth + 1));
        } else if (n.isArray()) {
            n.elements().forEachRemaining(v -> walk(v, out, depth + 1));
        }
    }
}
