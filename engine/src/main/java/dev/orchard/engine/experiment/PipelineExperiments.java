package dev.orchard.engine.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.pipeline.Edge;
import dev.orchard.engine.pipeline.Graph;
import dev.orchard.engine.pipeline.Node;
import dev.orchard.engine.pipeline.Pipeline;
import dev.orchard.engine.pipeline.PipelineJournal;
import dev.orchard.engine.pipeline.PipelineSpecs;
import dev.orchard.engine.pipeline.StageEnvironment;
import dev.orchard.engine.store.StageRun;
import dev.orchard.engine.store.Store;

import java.nio.file.Path;
import java.util.Optional;

/** Pipeline experiments from their JSON spec, their description for the history, and their H2 journal. */
public final class PipelineExperiments {
    private PipelineExperiments() {
    }

    /**
     * The runnable pipeline of a spec with a {@code pipeline}; throws a {@code PipelineException} listing every problem,
     * each with its JSON path. The rest of the spec (space, objective, optimizer, budget, seed) are defaults of its sweeps.
     */
    public static Pipeline build(ExperimentSpec spec, Optional<Path> baseDir) {
        ObjectNode defaults = (ObjectNode) Json.SPEC.valueToTree(spec);
        defaults.remove("pipeline");
        defaults.remove("description");
        StageEnvironment env = new StageEnvironment(defaults, baseDir, spec.name());
        return PipelineSpecs.toPipeline(spec.name(), PipelineSpecs.read(spec.pipeline(), "$.pipeline"), "$.pipeline", env);
    }

    /** The shape of a Java-built pipeline, stored as its spec (stages, types, contracts), for listings and exports. */
    static JsonNode describe(Graph g) {
        ObjectNode root = Json.object();
        var stages = root.putArray("stages");
        for (Node n : g.nodes()) {
            ObjectNode s = stages.addObject();
            s.put("name", n.name());
            if (n instanceof Node.StageNode sn) {
                s.put("type", sn.type());
            } else if (n instanceof Node.BlockNode b) {
                s.put("type", b.kind());
                s.set("body", describe(b.body()));
            }
        }
        var edges = root.putArray("edges");
        for (Edge e : g.edges()) {
            ObjectNode o = edges.addObject();
            o.put("from", e.from().startsWith("@") ? e.from() : e.from() + "." + e.fromPort());
            o.put("to", e.to().startsWith("@") ? e.to() : e.to() + "." + e.toPort());
            o.put("contract", e.contract().toString());
        }
        return root;
    }

    /** Checkpoints and the stage cache in the history database. */
    static PipelineJournal journal(Store store, long experimentId) {
        return new PipelineJournal() {
            @Override
            public void checkpoint(String stage, String iteration, String snapshotJson) {
                store.appendStageRun(experimentId, stage, iteration, snapshotJson);
            }

            @Override
            public Optional<String> latestCheckpoint() {
                return store.latestStageRun(experimentId).map(StageRun::snapshotJson);
            }

            @Override
            public Optional<String> cached(String key) {
                return store.cachedStage(key);
            }

            @Override
            public void cache(String key, String stage, String outputJson) {
                store.cacheStage(key, stage, outputJson);
            }
        };
    }
}
