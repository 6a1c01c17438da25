package dev.orchard.engine.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.json.LineReader;
import dev.orchard.engine.space.ChoiceParam;
import dev.orchard.engine.space.Param;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.trial.Direction;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Training curves, one JSON object a line (optionally gzipped), as {@code bench/data/curves-*.jsonl.gz}: every field
 * but {@link #NOT_CONFIG} is a configuration field, {@code returns} is the curve (larger is better). Runs of one
 * configuration with different {@code seed}s are grouped; a configuration's true quality is the mean over its seeds of
 * the last value. All curves are cut to the shortest one's length. The space has one choice per configuration field,
 * its values sorted (numbers ascending, so perturbing moves to a neighbouring value).
 */
public final class CurveSet {
    public static final Set<String> NOT_CONFIG = Set.of("env", "algo", "seed", "timesteps", "returns", "returns_std", "wall_seconds");

    /** One configuration with its curves (seeds × steps) and its true quality (mean final value). */
    public record Config(Map<String, Object> params, double[][] curves, double finalMean) {
    }

    private final String name;
    private final SearchSpace space;
    private final List<Config> configs;
    private final Map<List<Object>, Config> byKey = new LinkedHashMap<>();
    private final int steps;

    private CurveSet(String name, SearchSpace space, List<Config> configs, int steps) {
        this.name = name;
        this.space = space;
        this.configs = List.copyOf(configs);
        this.steps = steps;
        for (Config c : configs) {
            byKey.put(key(c.params()), c);
        }
        if (byKey.size() != configs.size()) {
            throw new IllegalStateException("configurations with equal keys");
        }
    }

    public static CurveSet load(Path file) throws IOException {
        var rows = new ArrayList<JsonNode>();
        try (LineReader r = Json.textReader(file)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode row = Json.WIRE.readTree(line);
                if (!row.isObject() || !row.path("returns").isArray() || row.path("returns").isEmpty()) {
                    throw new IOException(file + ":" + n + ": expected an object with a non-empty \"returns\" list");
                }
                rows.add(row);
            }
        }
        if (rows.isEmpty()) {
            throw new IOException(file + ": no curves");
        }
        var fields = new ArrayList<String>();
        for (Iterator<String> it = rows.get(0).fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!NOT_CONFIG.contains(f)) {
                fields.add(f);
            }
        }
        if (fields.isEmpty()) {
            throw new IOException(file + ": no configuration fields (every field is one of " + NOT_CONFIG + ")");
        }
        int steps = rows.stream().mapToInt(r -> r.get("returns").size()).min().orElseThrow();
        var grouped = new LinkedHashMap<List<Object>, List<double[]>>();
        var paramsOf = new LinkedHashMap<List<Object>, Map<String, Object>>();
        var values = new LinkedHashMap<String, Set<Object>>();
        fields.forEach(f -> values.put(f, new LinkedHashSet<>()));
        for (JsonNode row : rows) {
            var params = new LinkedHashMap<String, Object>();
            for (String f : fields) {
                JsonNode v = row.get(f);
                if (v == null || !(v.isNumber() || v.isTextual() || v.isBoolean())) {
                    throw new IOException(file + ": configuration field '" + f + "' must be a number, string or boolean in every line");
                }
                Object value = v.isNumber() ? (Object) v.numberValue() : v.isBoolean() ? (Object) v.booleanValue() : v.asText();
                params.put(f, value);
                values.get(f).add(normal(value));
            }
            double[] curve = new double[steps];
            for (int i = 0; i < steps; i++) {
                curve[i] = row.get("returns").get(i).asDouble(Double.NaN);
            }
            List<Object> key = params.values().stream().map(CurveSet::normal).toList();
            grouped.computeIfAbsent(key, k -> new ArrayList<>()).add(curve);
            paramsOf.putIfAbsent(key, params);
        }
        var params = new ArrayList<Param>();
        for (String f : fields) {
            var sorted = new ArrayList<>(values.get(f));
            sorted.sort(CurveSet::compare);
            params.add(new ChoiceParam(f, sorted));
        }
        SearchSpace space = SearchSpace.of(params.toArray(Param[]::new));
        var configs = new ArrayList<Config>();
        grouped.forEach((key, curves) -> {
            var p = new LinkedHashMap<String, Object>();
            for (int i = 0; i < fields.size(); i++) {
                p.put(fields.get(i), key.get(i));
            }
            double mean = curves.stream().mapToDouble(c -> c[steps - 1]).average().orElseThrow();
            configs.add(new Config(java.util.Collections.unmodifiableMap(p), curves.toArray(double[][]::new), mean));
        });
        String name = rows.get(0).path("algo").asText("curves") + "-" + rows.get(0).path("env").asText(file.getFileName().toString());
        return new CurveSet(name, space, configs, steps);
    }

    /** Numbers as doubles (JSON gives -4 and -4.0 as different types), so equal values are one key. */
    private static Object normal(Object v) {
        return v instanceof Number n ? (Object) n.doubleValue() : v;
    }

    /** The values in the space's parameter order, numbers normalised. */
    private List<Object> key(Map<String, Object> params) {
        return space.params().stream().map(p -> {
            Object v = params.get(p.name());
            return v == null ? null : normal(v);
        }).toList();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a.getClass() == b.getClass() && a instanceof Comparable c) {
            return c.compareTo(b);
        }
        return a.toString().compareTo(b.toString());
    }


    public String name() {
        return name;
    }

    public SearchSpace space() {
        return space;
    }

    /** Returns are rewards: larger is better. */
    public Direction direction() {
        return Direction.MAXIMIZE;
    }

    /** Steps of every curve (evaluation points). */
    public int steps() {
        return steps;
    }

    public List<Config> configs() {
        return configs;
    }

    /** The configuration with these parameter values; throws for one that is not in the data. */
    public Config config(Map<String, Object> params) {
        Config c = byKey.get(key(params));
        if (c == null) {
            throw new IllegalArgumentException("configuration " + params + " is not in " + name);
        }
        return c;
    }

    /**
     * The true quality that puts a configuration in the top {@code fraction} of all configurations: the
     * {@code ⌈fraction·n⌉}-th best mean final value (at least the best one).
     */
    public double topThreshold(double fraction) {
        double[] finals = configs.stream().mapToDouble(Config::finalMean).sorted().toArray();
        int k = Math.max(1, (int) Math.ceil(fraction * finals.length - 1e-9));
        return finals[finals.length - k];
    }

    public double bestFinalMean() {
        return configs.stream().mapToDouble(Config::finalMean).max().orElseThrow();
    }

    /** The mean final value of every configuration, best first (for tests and reports). */
    public double[] finalMeans() {
        double[] f = configs.stream().mapToDouble(Config::finalMean).toArray();
        Arrays.sort(f);
        for (int i = 0; i < f.length / 2; i++) {
            double t = f[i];
            f[i] = f[f.length - 1 - i];
            f[f.length - 1 - i] = t;
        }
        return f;
    }
}
