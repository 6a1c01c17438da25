package dev.orchard.engine.store;

import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.h2.jdbcx.JdbcDataSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Undoes what an upgrade that stopped half-way left behind. H2 commits each DDL statement by itself, so a migration
 * killed or failed in the middle leaves some of its tables, columns and indexes; running it again then fails on the
 * first that exists ("Detected failed migration ... run repair"). Which objects each version creates is learnt by
 * running the migrations on an empty database in memory; those of the versions after the last completed one are
 * dropped (they hold nothing: nothing is stored before an upgrade completes), and the migrations can run again.
 * Objects of the completed versions that are missing cannot be brought back: that is an error.
 */
final class SchemaRepair {
    private SchemaRepair() {
    }

    /** A table, a column or an explicitly created index of schema {@code PUBLIC}. */
    record SchemaObject(String kind, String table, String name) implements Comparable<SchemaObject> {
        @Override
        public int compareTo(SchemaObject o) {
            return toString().compareTo(o.toString());
        }

        @Override
        public String toString() {
            return kind + " " + (kind.equals("table") ? table : table + "." + name);
        }
    }

    /**
     * Drops the objects that versions after {@code completed} create and that {@code c}'s database has, leaving the
     * schema of version {@code completed}; returns what it dropped.
     */
    static List<SchemaObject> undoAfter(Connection c, Optional<MigrationVersion> completed, Migrations migrations,
                                        String historyTable) throws SQLException {
        TreeMap<MigrationVersion, Set<SchemaObject>> byVersion = schemaByVersion(migrations, historyTable);
        if (completed.isPresent() && !byVersion.containsKey(completed.get())) {
            throw new StoreException("the schema of its version " + completed.get() + " is unknown to this Orchard");
        }
        Set<SchemaObject> kept = completed.map(byVersion::get).orElse(Set.of());
        Set<SchemaObject> later = new HashSet<>();
        (completed.isPresent() ? byVersion.tailMap(completed.get(), false) : byVersion).values().forEach(later::addAll);
        later.removeAll(kept);
        Set<SchemaObject> present = read(c, historyTable);
        Set<SchemaObject> missing = new TreeSet<>(kept);
        missing.removeAll(present);
        if (!missing.isEmpty()) {
            throw new StoreException("its schema lacks " + missing + " of version "
                    + completed.map(MigrationVersion::getVersion).orElse("0") + ", which cannot be restored");
        }
        Set<SchemaObject> extra = new TreeSet<>(present);
        extra.retainAll(later);
        Set<String> droppedTables = new HashSet<>();
        List<SchemaObject> dropped = new ArrayList<>();
        try (Statement st = c.createStatement()) {
            for (String kind : List.of("table", "index", "column")) {
                for (SchemaObject o : extra) {
                    if (!o.kind().equals(kind) || !kind.equals("table") && droppedTables.contains(o.table())) {
                        continue;
                    }
                    st.execute(switch (kind) {
                        case "table" -> "DROP TABLE " + quote(o.table()) + " CASCADE";
                        case "index" -> "DROP INDEX IF EXISTS " + quote(o.name());
                        default -> "ALTER TABLE " + quote(o.table()) + " DROP COLUMN " + quote(o.name());
                    });
                    if (kind.equals("table")) {
                        droppedTables.add(o.table());
                    }
                    dropped.add(o);
                }
            }
        }
        return dropped;
    }

    /** The schema after each version, from running every migration on a new database in memory. */
    private static TreeMap<MigrationVersion, Set<SchemaObject>> schemaByVersion(Migrations migrations, String historyTable)
            throws SQLException {
        var byVersion = new TreeMap<MigrationVersion, Set<SchemaObject>>();
        Callback snapshot = new Callback() {
            @Override
            public boolean supports(Event event, Context context) {
                return event == Event.AFTER_EACH_MIGRATE;
            }

            @Override
            public boolean canHandleInTransaction(Event event, Context context) {
                return true;
            }

            @Override
            public void handle(Event event, Context context) {
                MigrationVersion v = context.getMigrationInfo().getVersion();
                try {
                    byVersion.put(v, read(context.getConnection(), historyTable));
                } catch (SQLException e) {
                    throw new FlywayException("cannot read the schema of version " + v, e);
                }
            }

            @Override
            public String getCallbackName() {
                return "orchard-schema-snapshot";
            }
        };
        JdbcDataSource memory = new JdbcDataSource();
        memory.setURL("jdbc:h2:mem:orchard-reference-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        try (Connection keep = memory.getConnection()) {
            try {
                org.flywaydb.core.Flyway.configure().dataSource(memory).locations(migrations.locations().toArray(String[]::new))
                        .loggers("slf4j").callbacks(snapshot).load().migrate();
            } catch (FlywayException e) {
                // a migration that fails here fails on the database too; the versions before it are known
            }
            try (Statement st = keep.createStatement()) {
                st.execute("SHUTDOWN");
            }
        }
        return byVersion;
    }

    /** The tables, columns and explicitly created indexes of schema {@code PUBLIC}, Flyway's own table left out. */
    static Set<SchemaObject> read(Connection c, String historyTable) throws SQLException {
        Set<SchemaObject> out = new TreeSet<>();
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES "
                    + "WHERE TABLE_SCHEMA = 'PUBLIC' AND TABLE_TYPE = 'BASE TABLE'")) {
                while (rs.next()) {
                    out.add(new SchemaObject("table", rs.getString(1), ""));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT TABLE_NAME, COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS "
                    + "WHERE TABLE_SCHEMA = 'PUBLIC'")) {
                while (rs.next()) {
                    out.add(new SchemaObject("column", rs.getString(1), rs.getString(2)));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT TABLE_NAME, INDEX_NAME FROM INFORMATION_SCHEMA.INDEXES "
                    + "WHERE TABLE_SCHEMA = 'PUBLIC' AND NOT IS_GENERATED")) {
                while (rs.next()) {
                    out.add(new SchemaObject("index", rs.getString(1), rs.getString(2)));
                }
            }
        }
        out.removeIf(o -> o.table().equals(historyTable));
        return out;
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** For messages: what was dropped, in a few words. */
    static String describe(List<SchemaObject> objects) {
        return String.join(", ", objects.stream().map(SchemaObject::toString).toList());
    }
}
