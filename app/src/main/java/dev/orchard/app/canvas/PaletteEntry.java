package dev.orchard.app.canvas;

import java.util.Map;

/**
 * One item of the palette: a stage type with a preset configuration (a {@code sweep} preset to GP-BO, a loop over
 * tasks with a sweep inside), or a hook that is dropped onto a connection ({@code hook} names it).
 */
public record PaletteEntry(String id, String category, String label, String type, Map<String, Object> config,
                           CanvasGraph body, String description, String hook) {
    public PaletteEntry {
        config = config == null ? Map.of() : Map.copyOf(config);
        body = body == null ? CanvasGraph.EMPTY : body;
        hook = hook == null ? "" : hook;
    }

    public boolean isHook() {
        return !hook.isEmpty();
    }

    /** The name a new stage from this entry starts with. */
    public String baseName() {
        String b = label.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        return b.isEmpty() ? type : b;
    }

    public boolean matches(String query) {
        if (query == null || query.isBlank()) {
            return true;
        }
        String q = query.toLowerCase(java.util.Locale.ROOT).trim();
        return (label + " " + type + " " + category + " " + description).toLowerCase(java.util.Locale.ROOT).contains(q);
    }
}
