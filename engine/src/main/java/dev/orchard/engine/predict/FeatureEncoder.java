package dev.orchard.engine.predict;

import dev.orchard.engine.space.ChoiceParam;
import dev.orchard.engine.space.IntParam;
import dev.orchard.engine.space.LogUniformParam;
import dev.orchard.engine.space.Param;
import dev.orchard.engine.space.SearchSpace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Configurations as vectors: numbers scaled to mean 0 and deviation 1, log-scale parameters in log10 space first,
 * choices one-hot. Scalers are fit on the training runs only (never on what is evaluated), and the encoder is written
 * into the model manifest so a prediction encodes exactly as training did.
 */
public record FeatureEncoder(List<Feature> features) {

    public enum Kind { NUMERIC, LOG, ONE_HOT }

    /** One feature: its role ({@code env} or {@code agent}), encoding and scaler (fit on training data). */
    public record Feature(String name, String role, Kind kind, double center, double scale, double min, double max,
                          List<String> categories) {
        public Feature {
            categories = List.copyOf(categories);
        }

        int width() {
            return kind == Kind.ONE_HOT ? categories.size() : 1;
        }
    }

    public FeatureEncoder {
        features = List.copyOf(features);
    }

    /**
     * Fits the encoding of {@code envFeatures} and {@code agentFeatures} on {@code runs}. A parameter of {@code space}
     * (when given) decides its kind (log_uniform and log int: log; a choice of strings: one-hot); otherwise strings are
     * one-hot, positive numbers spanning two decades or more are log, other numbers numeric. A feature that is
     * constant over the runs is an error: it cannot inform a prediction, and scaling it would divide by zero.
     */
    public static FeatureEncoder fit(List<CurveRun> runs, List<String> envFeatures, List<String> agentFeatures, Optional<SearchSpace> space) {
        var out = new ArrayList<Feature>();
        var seen = new LinkedHashSet<String>();
        for (String role : List.of("env", "agent")) {
            for (String name : role.equals("env") ? envFeatures : agentFeatures) {
                if (!seen.add(name)) {
                    throw new CurveDataException("feature '" + name + "' is given twice");
                }
                out.add(fitOne(runs, name, role, space.flatMap(s -> s.params().stream().filter(p -> p.name().equals(name)).findFirst())));
            }
        }
        if (out.stream().noneMatch(f -> f.role().equals("agent"))) {
            throw new CurveDataException("no agent features: give at least one (--agent-features)");
        }
        return new FeatureEncoder(out);
    }

    private static Feature fitOne(List<CurveRun> runs, String name, String role, Optional<Param> param) {
        var strings = new LinkedHashSet<String>();
        var numbers = new ArrayList<Double>();
        for (CurveRun r : runs) {
            Object v = r.config().get(name);
            if (v == null) {
                throw new CurveDataException(r.id() + ": feature '" + name + "' is missing");
            }
            if (v instanceof Number n) {
                numbers.add(n.doubleValue());
            } else {
                strings.add(v.toString());
            }
        }
        boolean categorical = !strings.isEmpty() || param.map(p -> p instanceof ChoiceParam c && !c.numeric()).orElse(false);
        if (categorical) {
            var cats = new ArrayList<String>();
            runs.forEach(r -> {
                String s = r.config().get(name) instanceof Number n ? Double.toString(n.doubleValue()) : r.config().get(name).toString();
                if (!cats.contains(s)) {
                    cats.add(s);
                }
            });
            if (param.isPresent() && param.get() instanceof ChoiceParam c) {
                cats.clear();
                c.values().forEach(v -> cats.add(v instanceof Number n ? Double.toString(n.doubleValue()) : v.toString()));
            }
            if (cats.size() < 2) {
                throw new CurveDataException("feature '" + name + "' is constant in the training data (" + cats + "): drop it from the features");
            }
            return new Feature(name, role, Kind.ONE_HOT, 0, 1, 0, 0, cats);
        }
        double min = numbers.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = numbers.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        boolean log = param.map(p -> p instanceof LogUniformParam || p instanceof IntParam i && i.log())
                .orElse(min > 0 && max / min >= 100);
        if (log && !(min > 0)) {
            throw new CurveDataException("feature '" + name + "' is a log-scale parameter but has the value " + min + " (must be > 0)");
        }
        double sum = 0, sq = 0;
        for (double v : numbers) {
            double t = log ? Math.log10(v) : v;
            sum += t;
            sq += t * t;
        }
        double mean = sum / numbers.size();
        double sd = Math.sqrt(Math.max(0, sq / numbers.size() - mean * mean));
        if (!(sd > 1e-12 * Math.max(1, Math.abs(mean)))) {
            throw new CurveDataException("feature '" + name + "' is constant in the training data (" + min + "): drop it from the features");
        }
        return new Feature(name, role, log ? Kind.LOG : Kind.NUMERIC, mean, sd, min, max, List.of());
    }

    public List<String> names(String role) {
        return features.stream().filter(f -> f.role().equals(role)).map(Feature::name).toList();
    }

    public int width(String role) {
        return features.stream().filter(f -> f.role().equals(role)).mapToInt(Feature::width).sum();
    }

    /** The encoded {@code role} part of a configuration; a missing feature or an unknown category is an error naming it. */
    public float[] encode(Map<String, Object> config, String role, String where) {
        float[] out = new float[width(role)];
        int i = 0;
        for (Feature f : features) {
            if (!f.role().equals(role)) {
                continue;
            }
            Object v = config.get(f.name());
            if (v == null) {
                throw new CurveDataException(where + ": feature '" + f.name() + "' is missing (the model uses " + names("env") + " and " + names("agent") + ")");
            }
            if (f.kind() == Kind.ONE_HOT) {
                String s = v instanceof Number n ? Double.toString(n.doubleValue()) : v.toString();
                int k = f.categories().indexOf(s);
                if (k < 0) {
                    throw new CurveDataException(where + ": feature '" + f.name() + "' = " + v + " is not a value the model was trained on " + f.categories());
                }
                out[i + k] = 1;
            } else {
                if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                    throw new CurveDataException(where + ": feature '" + f.name() + "' must be a finite number, got " + v);
                }
                double d = n.doubleValue();
                if (f.kind() == Kind.LOG && !(d > 0)) {
                    throw new CurveDataException(where + ": feature '" + f.name() + "' is log-scale and must be > 0, got " + d);
                }
                out[i] = (float) (((f.kind() == Kind.LOG ? Math.log10(d) : d) - f.center()) / f.scale());
            }
            i += f.width();
        }
        return out;
    }

    /** A configuration from an encoded vector (latent sampling): numbers unscaled and clamped to the training range, one-hot by arg-max. */
    public Map<String, Object> decode(float[] v, String role) {
        var out = new LinkedHashMap<String, Object>();
        int i = 0;
        for (Feature f : features) {
            if (!f.role().equals(role)) {
                continue;
            }
            if (f.kind() == Kind.ONE_HOT) {
                int best = 0;
                for (int k = 1; k < f.width(); k++) {
                    if (v[i + k] > v[i + best]) {
                        best = k;
                    }
                }
                out.put(f.name(), f.categories().get(best));
            } else {
                double t = v[i] * f.scale() + f.center();
                double d = f.kind() == Kind.LOG ? Math.pow(10, t) : t;
                out.put(f.name(), Math.max(f.min(), Math.min(f.max(), d)));
            }
            i += f.width();
        }
        return out;
    }
}
