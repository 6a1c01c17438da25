package dev.orchard.engine.optimize.protein;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchard.engine.execute.BuiltinFunctions;
import dev.orchard.engine.optimize.*;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.UniformParam;
import dev.orchard.engine.trial.Direction;
import org.junit.jupiter.api.Test;

import java.util.Map;

class ProteinBenchTmp {
    static final SearchSpace B = SearchSpace.of(new UniformParam("x1", -5, 10), new UniformParam("x2", 0, 15));
    static double loss(Map<String, Object> c) {
        return BuiltinFunctions.branin(new double[]{((Number) c.get("x1")).doubleValue(), ((Number) c.get("x2")).doubleValue()});
    }
    static double cost(Map<String, Object> c) {
        return Math.exp(2 * (((Number) c.get("x1")).doubleValue() + 5) / 15);
    }

    @Test
    void bench() throws Exception {
        int seeds = Integer.getInteger("seeds", 8);
        String cfg = System.getProperty("cfg", "{}");
        for (String name : Boolean.getBoolean("nogp") ? new String[]{"protein"} : new String[]{"protein", "gp"}) {
            StringBuilder sb = new StringBuilder(name + " costToReach: ");
            StringBuilder sb2 = new StringBuilder(" trials: ");
            StringBuilder sb3 = new StringBuilder(" over: ");
            StringBuilder sb4 = new StringBuilder(" best50: ");
            long t0 = System.nanoTime();
            for (int s = Integer.getInteger("from", 1); s < Integer.getInteger("from", 1) + seeds; s++) {
                Optimizer o = Optimizers.create(name, new OptimizerContext(B, Direction.MINIMIZE, s, new ObjectMapper().readTree(name.equals("gp") ? "{}" : cfg)));
                double bestL = 1e9; double cum = 0, reach = Double.NaN; int at = -1; int over = 0;
                for (int t = 0; t < 60; t++) {
                    var c = o.suggest(1).get(0);
                    double l = loss(c), k = cost(c);
                    cum += k; if (t < 50) bestL = Math.min(bestL, l);
                    if (t >= 5 && k > 3.0) over++;
                    if (l < 1.0 && Double.isNaN(reach)) { reach = cum; at = t; }
                    o.observe(Boolean.getBoolean("nocost") ? Observation.completed(t, c, l) : Observation.completed(t, c, l).withCost(k));
                }
                sb.append(String.format("%.1f ", Double.isNaN(reach) ? 999 : reach));
                sb2.append(at).append(' ');
                sb3.append(over).append(' ');
                sb4.append(String.format("%.3f ", bestL));
            }
            System.out.println(sb + "" + sb2 + sb3 + sb4 + String.format(" %.1fs", (System.nanoTime() - t0) / 1e9));
        }
    }
}
