package dev.orchard.engine.optimize.auto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
    /** Second algorithm that takes every other suggestion in a finite discrete space (see {@link #partnerFor}). */
    private Optimizer partner;
    private String partnerName;
    private long asked;

    /** What the rules look at; {@code finite}: every parameter has finitely many values (a grid, as in tabular HPO). */
    record Shape(int dims, int unordered, int ordered, boolean conditional, boolean finite) {
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
            return new Shape(s.dimension(), unordered, ordered, s.conditional(), s.cardinality() != Long.MAX_VALUE);
        }
    }

    public AutoOptimizer(OptimizerContext context) {
        this.context = context;
        this.shape = Shape.of(context.space());
        switchTo(choose(shape, 0), "start");
    }

    /** The algorithm for a space shape and the number of results so far. */
    static String choose(Shape shape, int observed) {
        if (shape.conditional()) {
            return "tpe-mv"; // the GP has no notion of inactive parameters beyond imputing them
        }
        if (Optimizers.available().containsKey("gp") && observed < GP_LIMIT && shape.dims() <= 20) {
            return "gp";
        }
        return "tpe-mv";
    }

    /**
     * On a finite grid with noisy results (tabular HPO) no single model was best everywhere in the benchmark, so two
     * alternate, each seeing every result. On grids of ordered values, log-EI alone over-exploits the noisy
     * incumbent's neighbourhood on some tables and UCB alone explores too much on others: a log-EI GP and a UCB GP
     * together were never far from the better one. Where unordered choices exist, UCB over the overlap kernel wastes
     * trials on untried categories, and TPE's categorical kernels make the better partner. Elsewhere one algorithm
     * runs alone.
     */
    static String partnerFor(Shape shape, String main) {
        if (!shape.finite() || shape.conditional() || !main.equals("gp")) {
            return null;
        }
        return shape.unordered() > 0 ? "tpe-mv" : GP_UCB;
    }

    private static final String GP_UCB = "gp-ucb";

    /** Past this many results a GP's cubic cost is no longer worth it; the TPE takes over with the full history. */
    static final int GP_LIMIT = 400;

    private void switchTo(String name, String why) {
        ObjectNode config = context.config().isObject() ? ((ObjectNode) context.config()).deepCopy() : JsonNodeFactory.instance.objectNode();
        OptimizerContext ctx = new OptimizerContext(context.space(), context.direction(),
                Seeds.mix(context.seed() + 31L * switches), config.path(name).isObject() ? config.get(name) : null);
        delegate = Optimizers.create(name, ctx);
        for (Observation o : history) {
            delegate.observe(o);
        }
        partnerName = partnerFor(shape, name);
        partner = null;
        if (partnerName != null) {
            boolean ucb = partnerName.equals(GP_UCB);
            String algorithm = ucb ? "gp" : partnerName;
            JsonNode partnerConfig = config.path(partnerName).isObject() ? config.get(partnerName)
                    : ucb ? JsonNodeFactory.instance.objectNode().put("acquisition", "ucb") : null;
            partner = Optimizers.create(algorithm, new OptimizerContext(context.space(), context.direction(),
                    Seeds.mix(ctx.seed() + 1), partnerConfig));
            for (Observation o : history) {
                partner.observe(o);
            }
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
        if (partner == null) {
            return delegate.suggest(n);
        }
        var out = new ArrayList<Map<String, Object>>(n);
        for (int i = 0; i < n; i++) {
            Optimizer next = asked++ % 2 == 0 ? delegate : partner;
            var s = next.suggest(1);
            if (s.isEmpty()) {
                break;
            }
            out.add(s.get(0));
        }
        return out;
    }

    @Override
    public void observe(Observation observation) {
        history.add(observation);
        delegate.observe(observation);
        if (partner != null) {
            partner.observe(observation);
        }
    }

    @Override
    public JsonNode state() {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("current", current);
        s.put("switches", switches);
        s.set("delegate", delegate.state());
        s.put("asked", asked);
        if (partner != null) {
            s.set("partner", partner.state());
        }
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
        asked = state.path("asked").asLong(asked);
        if (partner != null && state.has("partner")) {
            partner.restore(state.get("partner"));
        }
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
