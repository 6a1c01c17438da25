package dev.orchard.engine.optimize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.orchard.engine.space.SearchSpace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Independent uniform samples of the unit cube. Suggestion k draws from its own seeded stream, so the state is one
 * counter and a restored optimizer continues exactly where the old one stopped.
 */
public final class RandomOptimizer implements Optimizer {
    private final SearchSpace space;
    private final long seed;
    private long drawn;

    public RandomOptimizer(OptimizerContext context) {
        this.space = context.space();
        this.seed = context.seed();
    }

    @Override
    public List<Map<String, Object>> suggest(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("suggest needs n >= 1, got " + n);
        }
        var out = new ArrayList<Map<String, Object>>(n);
        double[] u = new double[space.dimension()];
        for (int i = 0; i < n; i++) {
            var rng = Seeds.stream(seed, drawn++);
            for (int d = 0; d < u.length; d++) {
                u[d] = rng.nextDouble();
            }
            out.add(space.fromUnit(u));
        }
        return out;
    }

    @Override
    public void observe(Observation observation) {
        // Random search ignores results; the observation was validated when it was built.
    }

    @Override
    public JsonNode state() {
        return JsonNodeFactory.instance.objectNode().put("drawn", drawn);
    }

    @Override
    public void restore(JsonNode state) {
        drawn = state.path("drawn").asLong(0);
    }

    public static final class Provider implements OptimizerProvider {
        @Override
        public String name() {
            return "random";
        }

        @Override
        public String description() {
            return "independent uniform samples (log parameters uniform in log space)";
        }

        @Override
        public Optimizer create(OptimizerContext context) {
            return new RandomOptimizer(context);
        }
    }
}
