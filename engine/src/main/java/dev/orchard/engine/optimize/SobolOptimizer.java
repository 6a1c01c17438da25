package dev.orchard.engine.optimize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.orchard.engine.space.SearchSpace;
import org.hipparchus.random.SobolSequenceGenerator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A Sobol low-discrepancy sequence (direction numbers from Hipparchus) with Owen scrambling, so different seeds give
 * different, still balanced designs and no point sits on the cube's corner. The scramble is Burley's hash-based nested
 * uniform scramble ("Practical Hash-based Owen Scrambling", JCGT 2020) applied per dimension to the top 32 bits; the
 * bits below get uniform jitter. Supports up to 1000 dimensions.
 */
public final class SobolOptimizer implements Optimizer {
    private static final double TWO_32 = 4294967296.0;
    private final SearchSpace space;
    private final long seed;
    private final int[] dimSeeds;
    private final SobolSequenceGenerator sobol;
    private long index;

    public SobolOptimizer(OptimizerContext context) {
        this.space = context.space();
        this.seed = context.seed();
        int d = space.dimension();
        if (d > 1000) {
            throw new IllegalArgumentException("sobol supports at most 1000 parameters, the space has " + d);
        }
        this.sobol = new SobolSequenceGenerator(d);
        this.dimSeeds = new int[d];
        SplittableRandom r = Seeds.stream(seed, -1);
        for (int i = 0; i < d; i++) {
            dimSeeds[i] = r.nextInt();
        }
    }

    @Override
    public List<Map<String, Object>> suggest(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("suggest needs n >= 1, got " + n);
        }
        var out = new ArrayList<Map<String, Object>>(n);
        for (int i = 0; i < n; i++) {
            out.add(space.fromUnit(point(index++)));
        }
        return out;
    }

    /** The scrambled point number {@code k} of the sequence. */
    double[] point(long k) {
        if (k > Integer.MAX_VALUE) {
            throw new IllegalStateException("sobol sequence exhausted");
        }
        double[] raw = sobol.skipTo((int) k);
        SplittableRandom jitter = Seeds.stream(seed, k);
        double[] u = new double[raw.length];
        for (int d = 0; d < raw.length; d++) {
            int bits = (int) (long) Math.floor(raw[d] * TWO_32); // Hipparchus keeps 52 bits: exact
            int s = nestedUniformScramble(bits, dimSeeds[d]);
            u[d] = ((s & 0xffffffffL) + jitter.nextDouble()) / TWO_32;
        }
        return u;
    }

    static int nestedUniformScramble(int x, int seed) {
        x = Integer.reverse(x);
        x = laineKarras(x, seed);
        return Integer.reverse(x);
    }

    private static int laineKarras(int x, int seed) {
        x += seed;
        x ^= x * 0x6c50b47c;
        x ^= x * 0xb82f1e52;
        x ^= x * 0xc7afe638;
        x ^= x * 0x8d22f6e6;
        return x;
    }

    @Override
    public void observe(Observation observation) {
        // A space-filling design does not depend on results.
    }

    @Override
    public JsonNode state() {
        return JsonNodeFactory.instance.objectNode().put("index", index);
    }

    @Override
    public void restore(JsonNode state) {
        index = state.path("index").asLong(0);
    }

    public static final class Provider implements OptimizerProvider {
        @Override
        public String name() {
            return "sobol";
        }

        @Override
        public String description() {
            return "Owen-scrambled Sobol sequence: evenly spread, seeded";
        }

        @Override
        public Optimizer create(OptimizerContext context) {
            return new SobolOptimizer(context);
        }
    }
}
