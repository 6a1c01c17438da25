package dev.orchard.engine.pipeline;

import java.util.List;
import java.util.function.Predicate;

/**
 * Whether a loop runs its body once more. Asked before each iteration with the number of iterations done; it may
 * set variables for the body (a for-each sets the current element).
 */
@FunctionalInterface
public interface LoopCondition {
    boolean next(PipelineVars vars, int done);

    /** Runs while the predicate holds (asked before every iteration). */
    static LoopCondition whilst(Predicate<PipelineVars> p) {
        return (vars, done) -> p.test(vars);
    }

    static LoopCondition times(int n) {
        return (vars, done) -> done < n;
    }

    /** One iteration per value; the body sees the value as variable {@code var} and its index as {@code var_index}. */
    static LoopCondition forEach(String var, List<?> values) {
        List<?> copy = List.copyOf(values);
        return (vars, done) -> {
            if (done >= copy.size()) {
                return false;
            }
            vars.put(var, copy.get(done));
            vars.put(var + "_index", done);
            return true;
        };
    }

    /** Exactly once: a sub-pipeline (a group of stages shown as one node). */
    LoopCondition ONCE = times(1);
}
