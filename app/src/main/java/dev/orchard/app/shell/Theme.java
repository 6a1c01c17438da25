package dev.orchard.app.shell;

import java.net.URL;
import java.util.List;
import java.util.Locale;

/** The workbench's colour themes; their style sheets come from the ui-resources jar on the class path. */
public enum Theme {
    LIGHT, DARK;

    private static final String BASE = "/dev/orchard/ui/";

    /** The style sheets of this theme, in order (the shared base first), as URLs a scene accepts. */
    public List<String> stylesheets() {
        return List.of(url("base.css"), url(name().toLowerCase(Locale.ROOT) + ".css"));
    }

    public String label() {
        return this == LIGHT ? "Light" : "Dark";
    }

    public static Theme parse(String s) {
        for (Theme t : values()) {
            if (t.name().equalsIgnoreCase(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown theme '" + s + "'; expected light or dark");
    }

    private static String url(String file) {
        URL u = Theme.class.getResource(BASE + file);
        if (u == null) {
            throw new IllegalStateException("style sheet " + BASE + file + " is not on the class path (orchard-ui-resources)");
        }
        return u.toExternalForm();
    }
}
