package dev.orchard.engine.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Curriculum rows (tables {@code curriculum}, {@code curriculum_snapshot}, migration V4): a named curriculum's spec and
 * latest state as JSON text, and its snapshots. Row-based: it knows nothing of curricula but their JSON.
 */
public final class CurriculumRows {
    private final Store store;

    public CurriculumRows(Store store) {
        this.store = store;
    }

    /** A stored curriculum. {@code stateJson} is empty until its first save. */
    public record CurriculumRecord(long id, String name, String algorithm, String specJson, Optional<String> stateJson, long updates) {
    }

    public record SnapshotRow(long updates, String statsJson, java.time.Instant at) {
    }

    public Optional<CurriculumRecord> find(String name) {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT id, name, algorithm, spec_json, state_json, updates FROM curriculum WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new CurriculumRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        Optional.ofNullable(rs.getString(5)), rs.getLong(6)));
            }
        } catch (SQLException e) {
            throw fail("read curriculum '" + name + "'", e);
        }
    }

    /** Creates a curriculum row (no state yet) and returns its id. */
    public long create(String name, String algorithm, String specJson) {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO curriculum(name, algorithm, spec_json, updates, created_at, updated_at) VALUES (?,?,?,0,?,?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, name);
            ps.setString(2, algorithm);
            ps.setString(3, specJson);
            ps.setObject(4, now());
            ps.setObject(5, now());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        } catch (SQLException e) {
            throw fail("store curriculum '" + name + "'", e);
        }
    }

    /** Deletes a curriculum with its snapshots (a fresh start under the same name). */
    public void delete(String name) {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement("DELETE FROM curriculum WHERE name = ?")) {
            ps.setString(1, name);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw fail("delete curriculum '" + name + "'", e);
        }
    }

    /** Replaces the stored state (one statement: the old state or the new, never half of one). */
    public void saveState(long id, long updates, String stateJson) {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE curriculum SET state_json = ?, updates = ?, updated_at = ? WHERE id = ?")) {
            ps.setString(1, stateJson);
            ps.setLong(2, updates);
            ps.setObject(3, now());
            ps.setLong(4, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw fail("save the state of curriculum " + id, e);
        }
    }

    public void addSnapshot(long id, long updates, String statsJson) {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(
                "MERGE INTO curriculum_snapshot(curriculum_id, updates, stats_json, at) KEY (curriculum_id, updates) VALUES (?,?,?,?)")) {
            ps.setLong(1, id);
            ps.setLong(2, updates);
            ps.setString(3, statsJson);
            ps.setObject(4, now());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw fail("store a snapshot of curriculum " + id, e);
        }
    }

    public List<SnapshotRow> snapshots(long id) {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT updates, stats_json, at FROM curriculum_snapshot WHERE curriculum_id = ? ORDER BY updates")) {
            ps.setLong(1, id);
            List<SnapshotRow> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new SnapshotRow(rs.getLong(1), rs.getString(2), rs.getObject(3, OffsetDateTime.class).toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw fail("read snapshots of curriculum " + id, e);
        }
    }

    private StoreException fail(String what, SQLException e) {
        return store.failure("cannot " + what + " in database " + store.path() + ".mv.db", e);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
