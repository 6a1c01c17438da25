package dev.orchard.engine.curriculum;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.events.EventBus;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.store.CurriculumRows;
import dev.orchard.engine.store.Store;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One curriculum for many workers: every call runs under one lock, so concurrent updates are counted exactly once
 * each, in some order. With a store, the state is written (one statement) after every accepted update and before the
 * update returns, so an acknowledged update survives a crash of the server; a curriculum of the same name continues
 * from it. Every {@code snapshotEvery} updates its stats are stored and published as
 * {@link EngineEvent.CurriculumSnapshot}. {@code orchard curriculum serve --port} puts one of these behind a TCP
 * socket for worker processes in any language.
 */
public final class SharedCurriculum implements Curriculum {
    private final Curriculum inner;
    private final String name;
    private final Optional<CurriculumRows> rows;
    private final long id;
    private final EventBus bus;
    private final long snapshotEvery;
    private final long experimentId;
    private long updates;

    private SharedCurriculum(Curriculum inner, String name, Optional<CurriculumRows> rows, long id, EventBus bus,
                             long snapshotEvery, long experimentId, long updates) {
        this.inner = inner;
        this.name = name;
        this.rows = rows;
        this.id = id;
        this.bus = bus;
        this.snapshotEvery = snapshotEvery;
        this.experimentId = experimentId;
        this.updates = updates;
    }

    /** Whether {@link #open} continued a stored curriculum or started one. */
    public enum Start { NEW, CONTINUED, REPLACED }

    /**
     * Opens the curriculum {@code name} made from {@code specTree} (a {@link CurriculumSpec} as JSON): with a store, one
     * of that name continues from its stored state when its spec is the same, and a different spec is refused unless
     * {@code fresh} (which replaces it); without a store it lives in memory only.
     */
    public static SharedCurriculum open(String name, JsonNode specTree, String source, Optional<Store> store, boolean fresh,
                                        EventBus bus, long snapshotEvery) {
        if (snapshotEvery < 1) {
            throw new CurriculumException("snapshot interval must be at least 1, got " + snapshotEvery);
        }
        CurriculumSpec spec = CurriculumSpecs.parse(specTree, source, "$");
        Curriculum c = Curricula.create(spec, source);
        if (store.isEmpty()) {
            return new SharedCurriculum(c, name, Optional.empty(), -1, bus, snapshotEvery, -1, 0);
        }
        CurriculumRows rows = new CurriculumRows(store.get());
        String specJson = Json.write(specTree);
        var existing = rows.find(name);
        if (existing.isPresent() && !fresh) {
            var rec = existing.get();
            if (!Json.write(Json.read(rec.specJson())).equals(specJson)) { // as text: a re-read number may be another node type
                throw new CurriculumException("curriculum '" + name + "' in " + store.get().path() + " was made from another spec ("
                        + rec.algorithm() + "); give the same tasks and options to continue it, --fresh to replace it, or another --name");
            }
            if (rec.stateJson().isPresent()) {
                c.loadState(Json.read(rec.stateJson().get()));
            }
            return new SharedCurriculum(c, name, Optional.of(rows), rec.id(), bus, snapshotEvery, -1, rec.updates());
        }
        if (existing.isPresent()) {
            rows.delete(name);
        }
        long id = rows.create(name, spec.algorithm(), specJson);
        SharedCurriculum s = new SharedCurriculum(c, name, Optional.of(rows), id, bus, snapshotEvery, -1, 0);
        s.persist();
        return s;
    }

    /** A shared wrapper of a curriculum in memory (threads of one process). */
    public static SharedCurriculum inMemory(Curriculum c, String name, EventBus bus, long snapshotEvery) {
        return new SharedCurriculum(c, name, Optional.empty(), -1, bus, snapshotEvery, -1, 0);
    }

    public String name() {
        return name;
    }

    /** The row id in the store (-1 in memory). */
    public long id() {
        return id;
    }

    /** Updates accepted, over all runs of this curriculum. */
    public synchronized long updates() {
        return updates;
    }

    @Override
    public String algorithm() {
        return inner.algorithm();
    }

    @Override
    public synchronized List<Task> tasks() {
        return inner.tasks();
    }

    @Override
    public synchronized Sample sample() {
        return inner.sample();
    }

    @Override
    public synchronized Sample sample(long step, long total) {
        return inner.sample(step, total);
    }

    @Override
    public synchronized void update(String task, double score) {
        inner.update(task, score);
        accepted(1);
    }

    @Override
    public synchronized void updateBatch(List<Update> batch) {
        inner.updateBatch(batch);
        accepted(batch.size());
    }

    private void accepted(int n) {
        long before = updates;
        updates += n;
        persist();
        if (before / snapshotEvery != updates / snapshotEvery) {
            snapshot();
        }
    }

    private void persist() {
        rows.ifPresent(r -> r.saveState(id, updates, Json.write(inner.state())));
    }

    /** Stores and publishes the current stats now. */
    @SuppressWarnings("unchecked")
    public synchronized void snapshot() {
        CurriculumStats st = inner.stats();
        rows.ifPresent(r -> r.addSnapshot(id, updates, Json.write(st)));
        bus.publish(new EngineEvent.CurriculumSnapshot(experimentId, name, updates, Json.WIRE.convertValue(st, Map.class)));
    }

    @Override
    public synchronized CurriculumStats stats() {
        return inner.stats();
    }

    @Override
    public synchronized JsonNode state() {
        return inner.state();
    }

    @Override
    public synchronized void loadState(JsonNode state) {
        inner.loadState(state);
        persist();
    }
}
