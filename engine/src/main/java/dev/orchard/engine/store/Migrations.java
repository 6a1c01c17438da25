package dev.orchard.engine.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

import javax.sql.DataSource;
import java.util.List;

/**
 * Where the schema's Flyway migrations are, and a hook that a set-up calls at each of its steps (every migration
 * statement, the copy, the rename): Orchard's own are {@link #ORCHARD}; tests add a failing migration, or stop a
 * process at a step to kill it there.
 */
record Migrations(List<String> locations, Hook hook) {
    static final Migrations ORCHARD = new Migrations(List.of("classpath:db/migration"), step -> {
    });

    /** Called at each step of a creation or an upgrade, with a few words naming it. */
    interface Hook {
        void at(String step);
    }

    Flyway flyway(DataSource dataSource) {
        return Flyway.configure().dataSource(dataSource).locations(locations.toArray(String[]::new)).loggers("slf4j")
                .callbacks(new StatementHook(hook)).load();
    }

    /** Reports each executed migration statement to the hook. */
    private record StatementHook(Hook hook) implements Callback {
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
            hook.at("migrated a statement of version " + context.getMigrationInfo().getVersion());
        }

        @Override
        public String getCallbackName() {
            return "orchard-step";
        }
    }
}
