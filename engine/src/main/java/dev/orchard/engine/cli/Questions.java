package dev.orchard.engine.cli;

import dev.orchard.engine.experiment.SpecCommands;

import java.io.Console;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What the CLI asks the person at the terminal; tests answer in their place. */
interface Questions {
    /**
     * May the commands of {@code source} run on this machine? Shows them (as written, each with its folder) and asks;
     * empty when nobody can be asked (no terminal: a pipe, CI).
     */
    Optional<Boolean> allowCommands(String source, List<SpecCommands.Use> commands);

    /** The terminal, when there is one: {@code System.console()} (and, on Java 22 and later, one that is a terminal). */
    Questions TERMINAL = (source, commands) -> {
        Console console = System.console();
        if (!interactive(console)) {
            return Optional.empty();
        }
        console.printf("%s%n", Consent.describe(source, commands));
        String answer = console.readLine("Run these commands? [y/N] ");
        return Optional.of(answer != null && List.of("y", "yes").contains(answer.strip().toLowerCase(Locale.ROOT)));
    };

    private static boolean interactive(Console console) {
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException beforeJava22) {
            return true; // System.console() was null unless both ends were a terminal
        } catch (ReflectiveOperationException | ClassCastException e) {
            return false;
        }
    }
}
