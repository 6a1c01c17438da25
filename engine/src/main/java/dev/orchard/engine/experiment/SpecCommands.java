package dev.orchard.engine.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.json.Specs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The commands a spec would run on this machine — every objective of type {@code command}, wherever it is (the
 * experiment's, a stage's, inside loops and groups) — as written, placeholders and all, with the folder each runs in.
 * It is what is shown before running the commands of a file that came from elsewhere (the CLI's question, like the
 * workbench's {@code CommandConsent}).
 */
public final class SpecCommands {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.,:/@%+={}-]+");

    private SpecCommands() {
    }

    /** One command: its arguments as written, and the folder it runs in. */
    public record Use(List<String> command, Path workdir) {
        public Use {
            command = List.copyOf(command);
        }

        /** The command as one line a shell would split back into the same arguments. */
        public String text() {
            var words = new ArrayList<String>(command.size());
            for (String a : command) {
                words.add(PLAIN.matcher(a).matches() ? a : "'" + a.replace("'", "'\\''") + "'");
            }
            return String.join(" ", words);
        }
    }

    /** Each distinct command of the spec in document order; relative workdirs resolve against {@code baseDir}. */
    public static List<Use> of(ExperimentSpec spec, Path baseDir) {
        Set<Use> out = new LinkedHashSet<>();
        walk(Json.read(Specs.write(spec)), baseDir.toAbsolutePath().normalize(), out, 0);
        return List.copyOf(out);
    }

    private static void walk(JsonNode n, Path base, Set<Use> out, int depth) {
        if (depth > 256) {
            return;
        }
        if (n.isObject()) {
            if ("command".equals(n.path("type").asText()) && n.has("command")) {
                JsonNode c = n.get("command");
                var args = new ArrayList<String>();
                if (c.isArray()) {
                    c.forEach(a -> args.add(a.asText()));
                } else {
                    args.addAll(CommandLineDeserializer.split(c.asText()));
                }
                JsonNode w = n.get("workdir");
                Path dir = w == null || w.isNull() ? base : base.resolve(w.asText()).normalize();
                out.add(new Use(args, dir));
            }
            n.elements().forEachRemaining(v -> walk(v, base, out, depth + 1));
        } else if (n.isArray()) {
            n.elements().forEachRemaining(v -> walk(v, base, out, depth + 1));
        }
    }
}
