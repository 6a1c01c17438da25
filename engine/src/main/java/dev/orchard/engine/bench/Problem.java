package dev.orchard.engine.bench;

import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.trial.Direction;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/** A benchmark problem: a space, a (possibly noisy) evaluation, and the true regret of a configuration. */
public interface Problem {
    String name();

    SearchSpace space();

    Direction direction();

    /** One evaluation; empty when the configuration cannot be evaluated (counts as a failed trial). */
    OptionalDouble evaluate(Map<String, Object> config, SplittableRandom rng);

    /** How far the configuration's true (noise-free, mean) value is from the best possible; 0 is optimal. */
    double regret(Map<String, Object> config);
}
