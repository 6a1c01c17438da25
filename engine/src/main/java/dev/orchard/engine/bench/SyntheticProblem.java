package dev.orchard.engine.bench;

import dev.orchard.engine.execute.BuiltinFunctions;
import dev.orchard.engine.space.Param;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.UniformParam;
import dev.orchard.engine.trial.Direction;

import java.util.ArrayList;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/** A built-in test function on its standard domain, noise-free; regret = f(x) − f*. */
public record SyntheticProblem(BuiltinFunctions.Function function, SearchSpace space) implements Problem {

    public static SyntheticProblem of(String name) {
        BuiltinFunctions.Function f = BuiltinFunctions.get(name);
        var params = new ArrayList<Param>();
        for (int i = 0; i < f.params().size(); i++) {
            params.add(new UniformParam(f.params().get(i), f.low()[i], f.high()[i]));
        }
        return new SyntheticProblem(f, SearchSpace.of(params.toArray(Param[]::new)));
    }

    @Override
    public String name() {
        return function.name();
    }

    @Override
    public Direction direction() {
        return Direction.MINIMIZE;
    }

    @Override
    public OptionalDouble evaluate(Map<String, Object> config, SplittableRandom rng) {
        return OptionalDouble.of(function.apply(config));
    }

    @Override
    public double regret(Map<String, Object> config) {
        return Math.max(0, function.apply(config) - function.optimum());
    }
}
