package dev.orchard.engine.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A node of a pipeline graph: a stage, or a block (a loop, or a sub-pipeline run once) with a graph inside. */
public sealed interface Node {
    String name();

    List<Port> inputs();

    List<Port> outputs();

    /** Where it came from in a JSON spec ({@code $.pipeline.stages[2]}), empty for Java-built pipelines. */
    String jsonPath();

    default Optional<Port> input(String port) {
        return inputs().stream().filter(p -> p.name().equals(port)).findFirst();
    }

    default Optional<Port> output(String port) {
        return outputs().stream().filter(p -> p.name().equals(port)).findFirst();
    }

    /**
     * A stage: {@code type} is its registry name ("sweep") or "java" for code; {@code config} its configuration (part
     * of its cache key).
     */
    record StageNode(String name, String type, Stage stage, List<Port> inputs, List<Port> outputs,
                     Map<String, Object> config, String jsonPath) implements Node {
        public StageNode {
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
            config = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(config));
        }
    }

    /**
     * A loop or a sub-pipeline. Its one input ({@code in}) enters the body at {@code @in}; what reaches the body's
     * {@code @out} is carried into the next iteration's {@code @in} and, after the last, is the block's output.
     * {@code maxIterations} guards against a condition that never turns false.
     */
    record BlockNode(String name, String kind, LoopCondition condition, Graph body, DataType carried, int maxIterations,
                     String jsonPath) implements Node {
        @Override
        public List<Port> inputs() {
            return List.of(Port.optional(Port.IN, carried, "enters the body at @in"));
        }

        @Override
        public List<Port> outputs() {
            return List.of(Port.of(Port.OUT, carried));
        }
    }
}
