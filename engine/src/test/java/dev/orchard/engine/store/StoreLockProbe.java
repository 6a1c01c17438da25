package dev.orchard.engine.store;

import java.nio.file.Path;

/**
 * Run in a second JVM by {@link StoreLockTest}: tries to open the database named by its argument and prints what
 * happened on one line ({@code OPENED}, {@code LOCKED <message>} or {@code FAILED <exception>}).
 */
public final class StoreLockProbe {
    private StoreLockProbe() {
    }

    public static void main(String[] args) {
        try (Store s = Store.open(Path.of(args[0]))) {
            System.out.println("OPENED " + s.experiments().size());
        } catch (StoreLockedException e) {
            System.out.println("LOCKED " + e.getMessage());
        } catch (RuntimeException e) {
            System.out.println("FAILED " + e);
        }
        System.out.flush();
    }
}
