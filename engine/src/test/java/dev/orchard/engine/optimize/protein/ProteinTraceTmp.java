package dev.orchard.engine.optimize.protein;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.orchard.engine.optimize.*;
import dev.orchard.engine.trial.Direction;
import org.junit.jupiter.api.Test;

class ProteinTraceTmp {
    @Test
    void trace() throws Exception {
        long s = Long.getLong("seed", 2);
        Optimizer o = Optimizers.create("protein", new OptimizerContext(ProteinBenchTmp.B, Direction.MINIMIZE, s, new ObjectMapper().readTree(System.getProperty("cfg", "{}"))));
        double best = 1e9; ProteinOptimizer.DEBUG = new double[]{(5 - Math.PI) / 15, 12.275 / 15};
        for (int t = 0; t < 60; t++) {
            var c = o.suggest(1).get(0);
            double l = ProteinBenchTmp.loss(c), k = ProteinBenchTmp.cost(c);
            best = Math.min(best, l);
            System.out.printf("%2d x1=%6.2f x2=%6.2f loss=%8.3f cost=%5.2f best=%7.3f%n", t, c.get("x1"), c.get("x2"), l, k, best);
            o.observe(Boolean.getBoolean("nocost") ? Observation.completed(t, c, l) : Observation.completed(t, c, l).withCost(k));
        }
    }
}
