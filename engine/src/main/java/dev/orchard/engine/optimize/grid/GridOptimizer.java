package dev.orchard.engine.optimize.grid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchard.engine.optimize.Observation;
import dev.orchard.engine.optimize.Optimizer;
import dev.orchard.engine.optimize.OptimizerContext;
import dev.orchard.engine.optimize.OptimizerProvider;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Grid search: every combination of a finite set of levels per parameter (see {@link GridIndex} for the levels and
 * for how conditional parameters are enumerated: only active combinations, each once).
 *
 * <p>Settings (the optimizer's config object):
 * <ul>
 *   <li>{@code resolution} (integer ≥ 1): points per continuous parameter, and the most values an int takes in full
 *       (a wider int gets {@code resolution} evenly spaced values). Default 5, or, when {@code budget} is given, the
 *       largest resolution whose grid has at most {@code budget} points (1 when even that is too many).</li>
 *   <li>{@code budget} (integer ≥ 1): only used to choose the default resolution.</li>
 *   <li>{@code shuffle} (boolean, default true): visit the points in a seeded pseudo-random order, so that a budget
 *       smaller than the grid samples it without replacement, spread over the whole grid rather than along the first
 *       parameters. The order is a Feistel-network permutation of the point numbers ({@link FeistelPermutation}),
 *       so grids of 10^12 points and more are never materialised. With {@code false} the order is the mixed-radix
 *       order, the last root parameter varying slowest.</li>
 * </ul>
 *
 * <p>{@link #suggest} returns fewer configurations than asked (an empty list at the end) once every point has been
 * handed out. Results are not used; failed trials are not retried. The state is the number of points handed out.
 */
public final class GridOptimizer implements Optimizer {
    static final Set<String> KEYS = Set.of("resolution", "budget", "shuffle");
    static final int DEFAULT_RESOLUTION = 5;

    private final GridIndex grid;
    private final FeistelPermutation order; // null: natural order
    private final int resolution;
    private long next;

    public GridOptimizer(OptimizerContext context) {
        JsonNode config = context.config();
        if (!config.isObject()) {
            throw new IllegalArgumentException("grid: settings must be a JSON object, got " + config);
        }
        for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown grid setting '" + key + "'; valid settings: "
                        + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        int res = positiveInt(config, "resolution", -1);
        long budget = positiveInt(config, "budget", -1);
        JsonNode sh = config.get("shuffle");
        if (sh != null && !sh.isBoolean()) {
            throw new IllegalArgumentException("grid setting 'shuffle' must be true or false, got " + sh);
        }
        boolean shuffle = sh == null || sh.asBoolean();
        if (res < 0) {
            res = budget > 0 ? resolutionFor(context, budget) : DEFAULT_RESOLUTION;
        }
        this.resolution = res;
        this.grid = new GridIndex(context.space(), res);
        this.order = shuffle ? new FeistelPermutation(grid.size(), context.seed()) : null;
    }

    /** The largest resolution whose grid fits the budget (1 if none does). */
    private static int resolutionFor(OptimizerContext context, long budget) {
        int lo = 1;
        int hi = (int) Math.min(budget, 1 << 20);
        if (fits(context, hi, budget)) {
            return hi;
        }
        while (hi - lo > 1) { // fits(lo) or lo == 1; !fits(hi)
            int mid = (lo + hi) >>> 1;
            if (fits(context, mid, budget)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static boolean fits(OptimizerContext context, int resolution, long budget) {
        try {
            return new GridIndex(context.space(), resolution).size() <= budget;
        } catch (IllegalArgumentException tooLarge) {
            return false;
        }
    }

    private static int positiveInt(JsonNode config, String key, int dflt) {
        JsonNode v = config.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1) {
            throw new IllegalArgumentException("grid setting '" + key + "' must be an integer >= 1, got " + v);
        }
        return v.asInt();
    }

    /** Number of points in the grid. */
    public long size() {
        return grid.size();
    }

    /** Points per continuous parameter in use. */
    public int resolution() {
        return resolution;
    }

    /** The values each parameter takes on the grid, in parameter order. */
    public List<List<Object>> levels() {
        return grid.levels();
    }

    /** Points not yet handed out. */
    public long remaining() {
        return grid.size() - next;
    }

    @Override
    public List<Map<String, Object>> suggest(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("suggest needs n >= 1, got " + n);
        }
        int k = (int) Math.min(n, remaining());
        var out = new ArrayList<Map<String, Object>>(k);
        for (int i = 0; i < k; i++) {
            long idx = next++;
            out.add(grid.point(order == null ? idx : order.apply(idx)));
        }
        return out;
    }

    @Override
    public void observe(Observation observation) {
        // A grid does not depend on results.
    }

    @Override
    public JsonNode state() {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("next", next);
        s.put("size", grid.size());
        return s;
    }

    @Override
    public void restore(JsonNode state) {
        long size = state.path("size").asLong(grid.size());
        if (size != grid.size()) {
            throw new IllegalArgumentException("grid state is for a grid of " + size + " points, this grid has " + grid.size()
                    + " (the space or the resolution changed)");
        }
        long k = state.path("next").asLong(0);
        if (k < 0 || k > grid.size()) {
            throw new IllegalArgumentException("grid state 'next' must be in [0, " + grid.size() + "], got " + k);
        }
        next = k;
    }

    public static final class Provider implements OptimizerProvider {
        @Override
        public String name() {
            return "grid";
        }

        @Override
        public String description() {
            return "every combination of per-parameter levels, in a seeded shuffled order; ends when exhausted";
        }

        @Override
        public Optimizer create(OptimizerContext context) {
            return new GridOptimizer(context);
        }
    }
}
