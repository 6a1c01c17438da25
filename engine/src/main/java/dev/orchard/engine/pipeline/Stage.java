package dev.orchard.engine.pipeline;

import java.util.Map;

/**
 * What a stage computes: values for its output ports from values at its input ports. Java pipelines mostly write
 * one-port stages as lambdas ({@link Pipeline.Builder#stage}); stage types of the registry implement this directly.
 */
@FunctionalInterface
public interface Stage {
    Map<String, Object> run(Map<String, Object> inputs, StageContext ctx) throws Exception;

    /** A one-input, one-output stage that sees its context. */
    @FunctionalInterface
    interface Fn<I, O> {
        O apply(I input, StageContext ctx) throws Exception;
    }
}
