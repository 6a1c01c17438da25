package dev.orchard.engine.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Run in a second JVM by {@link StoreSetupTest}, which kills it with SIGKILL where it stops. Prints one line:
 * {@code PAUSED n STEP} (then waits to be killed), {@code OPENED experiments steps}, {@code MIGRATED} or
 * {@code FAILED message}.
 * <ul>
 * <li>{@code open DB [N]}: opens the database as Orchard does and stops at the N-th step of its set-up.</li>
 * <li>{@code old DB [VERSION STATEMENT]}: migrates it as Orchard did before set-ups were all or nothing (Flyway on the
 * file itself) and stops after that statement of that migration.</li>
 * </ul>
 */
public final class StoreSetupProbe {
    private StoreSetupProbe() {
    }

    public static void main(String[] args) {
        Path db = Path.of(args[1]);
        try {
            if (args[0].equals("open")) {
                int pauseAt = args.length > 2 ? Integer.parseInt(args[2]) : -1;
                AtomicInteger steps = new AtomicInteger();
                Migrations m = new Migrations(Migrations.ORCHARD.locations(), step -> {
                    if (steps.incrementAndGet() == pauseAt) {
                        pause(pauseAt + " " + step);
                    }
                });
                say("STARTING");
                try (Store s = Store.open(db, m)) {
                    say("OPENED " + s.experiments().size() + " " + steps.get());
                }
            } else {
                String version = args.length > 2 ? args[2] : "";
                int statement = args.length > 3 ? Integer.parseInt(args[3]) : -1;
                String url = DatabaseFiles.url(DatabaseFiles.of(db).base(), false);
                Flyway.configure().dataSource(url, "orchard", "").locations("classpath:db/migration")
                        .callbacks(new PauseAfter(version, statement)).load().migrate();
                say("MIGRATED");
            }
        } catch (RuntimeException e) {
            say("FAILED " + e.getMessage().lines().map(String::strip).reduce((a, b) -> a + " " + b).orElse(""));
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /** Tells the test where it stopped and waits to be killed. */
    private static void pause(String where) {
        say("PAUSED " + where);
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record PauseAfter(String version, int statement) implements Callback {
        private static final AtomicInteger COUNT = new AtomicInteger();

        @Override
        public boolean supports(Event event, Context context) {
            return event == Event.AFTER_EACH_MIGRATE_STATEMENT;
        }

        @Override
        public boolean canHandleInTransaction(Event event, Context context) {
            return true;
        }

        @Override
        public void handle(Event event, Context context) {
            if (context.getMigrationInfo().getVersion().getVersion().equals(version) && COUNT.incrementAndGet() == statement) {
                pause("V" + version + " statement " + statement);
            }
        }

        @Override
        public String getCallbackName() {
            return "probe-pause";
        }
    }
}
