package dev.orchard.app;

import javafx.application.Application;

import java.util.List;

/**
 * The workbench's main class. Not an {@link Application} itself, so it starts from a plain class path (no JavaFX
 * module path needed); it checks the command line and launches {@link OrchardApp}.
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) {
        LaunchOptions options;
        try {
            options = LaunchOptions.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("orchard-workbench: " + e.getMessage());
            System.err.print(LaunchOptions.usage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(LaunchOptions.usage());
            return;
        }
        Application.launch(OrchardApp.class, args);
    }
}
