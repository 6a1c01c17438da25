package dev.orchard.engine.store;

import dev.orchard.engine.json.Json;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A sweep's checkpoint in the database: its one row in {@code sweep_state}, updated in place, and the trials its
 * optimizer was told, one row each in {@code sweep_observed} (version 7). The told list only grows, so a checkpoint
 * adds the trials told since the last one: what it writes does not grow with the number of trials (the whole list, in
 * {@code observed_json}, made a long sweep write a quadratic amount, and left as much garbage in the file).
 */
final class CheckpointRows {
    private CheckpointRows() {
    }

    static void write(Connection c, long experimentId, SweepCheckpoint cp) throws SQLException {
        List<Integer> observed = cp.observed();
        OptionalInt before = storedCount(c, experimentId);
        int from = Math.min(before.orElse(0), observed.size());
        if (before.isEmpty() || from < before.getAsInt()) {
            // no list yet, one in observed_json (written before version 7), or (never by a sweep) a shorter one
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM sweep_observed WHERE experiment_id = ? AND seq >= ?")) {
                ps.setLong(1, experimentId);
                ps.setInt(2, from);
                ps.executeUpdate();
            }
        }
        if (from < observed.size()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO sweep_observed(experiment_id, seq, trial) VALUES (?,?,?)")) {
                for (int i = from; i < observed.size(); i++) {
                    ps.setLong(1, experimentId);
                    ps.setInt(2, i);
                    ps.setInt(3, observed.get(i));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("MERGE INTO sweep_state(experiment_id, optimizer_state, scheduler_state, "
                + "next_number, observed_json, observed_count, paused_json, updated_at) KEY(experiment_id) VALUES (?,?,?,?,'[]',?,?,?)")) {
            ps.setLong(1, experimentId);
            ps.setString(2, cp.optimizerStateJson().orElse(null));
            ps.setString(3, cp.schedulerStateJson().orElse(null));
            ps.setInt(4, cp.nextNumber());
            ps.setInt(5, observed.size());
            ps.setString(6, Json.write(cp.pausedByUser()));
            ps.setObject(7, OffsetDateTime.now(ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }

    /** How many told trials the stored checkpoint has in {@code sweep_observed}; empty when none is stored there. */
    private static OptionalInt storedCount(Connection c, long experimentId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT observed_count FROM sweep_state WHERE experiment_id = ?")) {
            ps.setLong(1, experimentId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return OptionalInt.empty();
                }
                int n = rs.getInt(1);
                return rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(n);
            }
        }
    }

    static Optional<SweepCheckpoint> read(Connection c, long experimentId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM sweep_state WHERE experiment_id = ?")) {
            ps.setLong(1, experimentId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                int count = rs.getInt("observed_count");
                List<Integer> observed = rs.wasNull() ? ints(rs.getString("observed_json")) : observed(c, experimentId, count);
                return Optional.of(new SweepCheckpoint(Optional.ofNullable(rs.getString("optimizer_state")),
                        Optional.ofNullable(rs.getString("scheduler_state")), rs.getInt("next_number"), observed,
                        ints(rs.getString("paused_json"))));
            }
        }
    }

    private static List<Integer> observed(Connection c, long experimentId, int count) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT trial FROM sweep_observed WHERE experiment_id = ? AND seq < ? ORDER BY seq")) {
            ps.setLong(1, experimentId);
            ps.setInt(2, count);
            try (ResultSet rs = ps.executeQuery()) {
                var out = new ArrayList<Integer>(count);
                while (rs.next()) {
                    out.add(rs.getInt(1));
                }
                return out;
            }
        }
    }

    private static List<Integer> ints(String json) {
        var out = new ArrayList<Integer>();
        Json.read(json).forEach(n -> out.add(n.asInt()));
        return out;
    }
}
