package dev.orchard.engine.execute;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Standard benchmark functions (minimise), with their domains and known optima, so sample projects and benchmarks
 * run without any trainer.
 */
public final class BuiltinFunctions {
    private BuiltinFunctions() {
    }

    /** A benchmark function: its parameter names with bounds, its optimum value, and the function itself. */
    public record Function(String name, List<String> params, double[] low, double[] high, double optimum,
                           ToDoubleFunction<double[]> f) {
        public double apply(Map<String, Object> config) {
            double[] x = new double[params.size()];
            for (int i = 0; i < x.length; i++) {
                Object v = config.get(params.get(i));
                if (!(v instanceof Number n)) {
                    throw new IllegalArgumentException(name + " needs a numeric parameter '" + params.get(i)
                            + "', the configuration has " + (v == null ? "none" : v));
                }
                x[i] = n.doubleValue();
            }
            return f.applyAsDouble(x);
        }
    }

    private static final Map<String, Function> ALL = new TreeMap<>();

    static {
        ALL.put("branin", new Function("branin", List.of("x1", "x2"), new double[]{-5, 0}, new double[]{10, 15},
                0.397887357729739, BuiltinFunctions::branin));
        ALL.put("hartmann6", new Function("hartmann6", List.of("x1", "x2", "x3", "x4", "x5", "x6"),
                new double[6], new double[]{1, 1, 1, 1, 1, 1}, -3.32236801141551, BuiltinFunctions::hartmann6));
    }

    public static Map<String, Function> all() {
        return ALL;
    }

    /** The named function; an unknown name gets an error listing the valid ones. */
    public static Function get(String name) {
        Function f = ALL.get(name);
        if (f == null) {
            throw new IllegalArgumentException("unknown built-in function '" + name + "'; valid: " + String.join(", ", ALL.keySet()));
        }
        return f;
    }

    /** Branin-Hoo on [-5,10]×[0,15]; three global minima of 0.397887. */
    public static double branin(double[] x) {
        double a = 1, b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, r = 6, s = 10, t = 1 / (8 * Math.PI);
        double y = x[1] - b * x[0] * x[0] + c * x[0] - r;
        return a * y * y + s * (1 - t) * Math.cos(x[0]) + s;
    }

    private static final double[] H_ALPHA = {1.0, 1.2, 3.0, 3.2};
    private static final double[][] H_A = {
            {10, 3, 17, 3.5, 1.7, 8}, {0.05, 10, 17, 0.1, 8, 14}, {3, 3.5, 1.7, 10, 17, 8}, {17, 8, 0.05, 10, 0.1, 14}};
    private static final double[][] H_P = {
            {1312, 1696, 5569, 124, 8283, 5886}, {2329, 4135, 8307, 3736, 1004, 9991},
            {2348, 1451, 3522, 2883, 3047, 6650}, {4047, 8828, 8732, 5743, 1091, 381}};

    /** Hartmann 6-D on [0,1]^6; global minimum −3.32237. */
    public static double hartmann6(double[] x) {
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            double inner = 0;
            for (int j = 0; j < 6; j++) {
                double d = x[j] - H_P[i][j] * 1e-4;
                inner += H_A[i][j] * d * d;
            }
            sum += H_ALPHA[i] * Math.exp(-inner);
        }
        return -sum;
    }
}
