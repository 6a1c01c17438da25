package dev.orchard.engine.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The data form of a pipeline (the {@code "pipeline"} of an experiment spec, and what the canvas edits): stages with
 * a registry type and a configuration, loops and groups with stages inside, and either explicit edges between ports
 * or, when {@code edges} is absent, a chain in the order written, each stage's {@code through} on the edge after it.
 *
 * <pre>{@code
 * "pipeline": {"stages": [
 *   {"name": "explore", "type": "sweep", "config": {"optimizer": {"name": "random"}, "budget": 20},
 *    "through": {"contract": "SweepResult", "hooks": {"checkpoint": true}}},
 *   {"name": "exploit", "type": "sweep", "config": {"optimizer": {"name": "gp"}, "budget": 20}}]}
 * }</pre>
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record PipelineSpec(List<StageSpec> stages, List<EdgeSpec> edges, @JsonIgnore boolean explicit) {
    public PipelineSpec {
        stages = stages == null ? List.of() : List.copyOf(stages);
        edges = edges == null ? List.of() : List.copyOf(edges);
        explicit = explicit || !edges.isEmpty();
    }

    public PipelineSpec(List<StageSpec> stages, List<EdgeSpec> edges) {
        this(stages, edges, false);
    }

    /**
     * Whether edges are explicit (a graph) rather than the chain of stages in order. An explicit {@code "edges": []}
     * means unconnected stages (the canvas writes what was drawn, even when nothing is connected).
     */
    public boolean explicitEdges() {
        return explicit;
    }

    /** A stage, or a loop / group ({@code type} "loop" or "group") with {@code stages} (and optionally edges) inside. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record StageSpec(String name, String type, Map<String, Object> config, Optional<ThroughSpec> through,
                            List<StageSpec> stages, List<EdgeSpec> edges, Optional<Position> position,
                            @JsonIgnore boolean explicitEdges) {
        public StageSpec {
            config = config == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(config));
            through = through == null ? Optional.empty() : through;
            stages = stages == null ? List.of() : List.copyOf(stages);
            edges = edges == null ? List.of() : List.copyOf(edges);
            position = position == null ? Optional.empty() : position;
            explicitEdges = explicitEdges || !edges.isEmpty();
        }

        public StageSpec(String name, String type, Map<String, Object> config, Optional<ThroughSpec> through,
                         List<StageSpec> stages, List<EdgeSpec> edges, Optional<Position> position) {
            this(name, type, config, through, stages, edges, position, false);
        }

        /** The body of a loop or group as a pipeline of its own. */
        public PipelineSpec body() {
            return new PipelineSpec(stages, edges, explicitEdges);
        }
    }

    /** The contract and hooks of the edge after a stage in a chain. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record ThroughSpec(Optional<String> contract, Optional<HooksSpec> hooks) {
    }

    /** {@code from}: "stage.port" or "@in"; {@code to}: "stage.port" or "@out" (the port may be left out when it is the only one). */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record EdgeSpec(String from, String to, Optional<String> contract, Optional<HooksSpec> hooks) {
    }

    /** Hooks that JSON can express (code hooks, such as validation predicates, belong to Java pipelines). */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record HooksSpec(boolean checkpoint, boolean cache, @JsonProperty("cache_version") Optional<String> cacheVersion,
                            @JsonProperty("timeout_seconds") Optional<Double> timeoutSeconds, Optional<Integer> retry,
                            @JsonProperty("retry_backoff_seconds") Optional<Double> retryBackoffSeconds,
                            @JsonProperty("on_error") Optional<String> onError, boolean profile, List<String> metrics,
                            List<String> require) {
        public HooksSpec {
            metrics = metrics == null ? List.of() : List.copyOf(metrics);
            require = require == null ? List.of() : List.copyOf(require);
        }
    }

    /** Where the canvas drew a stage; the engine ignores it. */
    public record Position(double x, double y) {
    }
}
