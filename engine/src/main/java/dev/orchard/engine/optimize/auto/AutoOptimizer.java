package dev.orchard.engine.optimize.auto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.optimize.Observation;
import dev.orchard.engine.optimize.Optimizer;
import dev.orchard.engine.optimize.OptimizerContext;
import dev.orchard.engine.optimize.OptimizerProvider;
import dev.orchard.engine.optimize.Optimizers;
import dev.orchard.engine.optimize.Seeds;
import dev.orchard.engine.space.ChoiceParam;
import dev.orchard.engine.space.Param;
import dev.orchard.engine.space.SearchSpace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The default optimizer: picks an algorithm from the shape of the space and switches as evidence accumulates, so a
 * user who never chooses gets good results. The rules (see {@link #choose}) come from the optimizer benchmark
 * ({@code orchard bench optimizers}); they look only at the space and the history, never at a problem's name.
 * Every switch replays the whole history into the new algorithm, so nothing learnt is lost.
 */
public final class AutoOptimizer implements Optimizer {
    private final OptimizerContext context;
    private final Shape shape;
    private final List<Observation> history = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private String current;
    private Optimizer delegate;
    private int switches;

    /** What the rules look at. */
    record Shape(int dims, int unordered, int ordered, boolean conditional) {
        static Shape of(SearchSpace s) {
            int unordered = 0;
            int ordered = 0;
            for (Param p : s.params()) {
                if (p.cardinality() <= 1) {
                    continue;
                }
                if (p instanceof ChoiceParam c && !c.numeric()) {
                    unordered++;
                } else if (p.cardinality() != Long.MAX_VALUE) {
                    ordered++;
                }
            }
            return new Shape(s.dimension(), unordered, ordered, s.conditional());
        }
    }

    public AutoOptimizer(OptimizerContext context) {
        this.context = context;
        this.shape = Shape.of(context.space());
        switchTo(choose(shape, 0), "start");
    }

    /** The algorithm for a space shape and the number of results so far. */
    static String choose(Shape shape, int observed) {
        if (shape.conditional() || shape.unordered() > 0) {
            return "tpe-mv";
        }
        if (Optimizers.available().containsKey("gp") && observed < GP_LIMIT && shape.dims() <= 20) {
            return "gp";
        }
        return "tpe-mv";
    }

    /** Past this many results a GP's cubic cost is no longer worth it; the TPE takes over with the full history. */
    static final int GP_LIMIT = 400;

    private void switchTo(String name, String why) {
        ObjectNode config = context.config().isObject() ? ((ObjectNode) context.config()).deepCopy() : Json.object();
        OptimizerContext ctx = new OptimizerContext(context.space(), context.direction(),
                Seeds.mix(context.seed() + 31L * switches), config.path(name).isObject() ? config.get(name) : null);
        delegate = Optimizers.create(name, ctx);
        for (Observation o : history) {
            delegate.observe(o);
        }
        log.add(name + " (" + why + ", after " + history.size() + " results)");
        current = name;
        switches++;
    }

    /** The algorithm in use now. */
    public String current() {
        return current;
    }

    /** Which algorithms ran, in order, and why. */
    public List<String> decisions() {
        return List.copyOf(log);
    }

    @Override
    public List<Map<String, Object>> suggest(int n) {
        String wanted = choose(shape, history.size());
        if (!wanted.equals(current)) {
            switchTo(wanted, "rule");
        }
        return delegate.suggest(n);
    }

    @Override
    public void observe(Observation observation) {
        history.add(observation);
        delegate.observe(observation);
    }

    @Override
    public JsonNode state() {
        ObjectNode s = Json.object();
        s.put("current", current);
        s.put("switches", switches);
        s.set("delegate", delegate.state());
        return s;
    }

    @Override
    public void restore(JsonNode state) {
        String name = state.path("current").asText(current);
        int sw = state.path("switches").asInt(switches);
        if (!name.equals(current) || sw != switches) {
            switches = sw - 1;
            switchTo(name, "restore");
            switches = sw;
        }
        delegate.restore(state.path("delegate"));
    }

    public static final class Provider implements OptimizerProvider {
        @Override
        public String name() {
            return "auto";
        }

        @Override
        public String description() {
            return "the default: picks and switches algorithms by space shape, budget and evidence";
        }

        @Override
        public Optimizer create(OptimizerContext context) {
            return new AutoOptimizer(context);
        }
    }
}
