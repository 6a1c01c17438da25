package dev.orchard.engine.predict;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.json.LineReader;
import dev.orchard.engine.trial.MetricPoint;
import dev.orchard.engine.trial.Trial;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads training runs for the curve predictor, from JSON lines (the format of {@code curves-ppo-Pong-v0.jsonl.gz}:
 * configuration fields, an x list and a curve list per line) or from the trials of a stored experiment (its environment name is the experiment's name). Unlike
 * {@code bench.CurveSet}, which cuts every curve to the shortest one for replay, runs keep their own length and
 * absolute x: a run cut short stays short. Every problem names the line and the field.
 */
public final class CurveRuns {
    private CurveRuns() {
    }

    /** As the x field: the position of each point (1, 2, …), for curves recorded per evaluation, as a sweep's steps are. */
    public static final String INDEX = "@index";

    static double[] index(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
        }
        return x;
    }

    /** Which fields to read. {@code features}: the configuration fields the model uses (environment and agent). */
    public record Fields(List<String> features, String curve, String x, String env) {
        public Fields {
            features = List.copyOf(features);
        }
    }

    public static List<CurveRun> readJsonLines(Path file, Fields fields) throws IOException {
        var runs = new ArrayList<CurveRun>();
        try (LineReader r = Json.textReader(file)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                String where = file + ":" + n;
                JsonNode row;
                try {
                    row = Json.WIRE.readTree(line);
                } catch (IOException e) {
                    throw new CurveDataException(where + ": not JSON: " + e.getMessage());
                }
                if (!row.isObject()) {
                    throw new CurveDataException(where + ": expected a JSON object");
                }
                runs.add(run(row, where, fields));
            }
        }
        if (runs.isEmpty()) {
            throw new CurveDataException(file + ": no runs");
        }
        return runs;
    }

    /** One run from a JSON object (a line of a data file, or a config line given to {@code curves predict}). */
    static CurveRun run(JsonNode row, String where, Fields fields) {
        Map<String, Object> config = config(row, where, fields.features(), true);
        double[] y = numbers(row, fields.curve(), where, true);
        double[] x = fields.x().equals(INDEX) ? index(y.length) : numbers(row, fields.x(), where, false);
        if (x.length != y.length) {
            throw new CurveDataException(where + ": field '" + fields.x() + "' has " + x.length + " values but '" + fields.curve()
                    + "' has " + y.length);
        }
        if (y.length == 0) {
            throw new CurveDataException(where + ": field '" + fields.curve() + "' is empty");
        }
        increasing(x, where, fields.x());
        String env = row.path(fields.env()).isValueNode() ? row.get(fields.env()).asText() : "";
        String id = row.path("id").isValueNode() ? row.get("id").asText() : where;
        return new CurveRun(id, env, groupKey(env, config), config, x, y);
    }

    /** The features of a configuration line (for {@code curves predict}); a missing one is an error naming it. */
    public static Map<String, Object> configOf(JsonNode row, String where, List<String> features) {
        return config(row, where, features, true);
    }

    /** A running trial's curve so far (x and curve fields of {@code row}) under a configuration given elsewhere. */
    public static CurveRun observed(JsonNode row, String where, Fields fields, Map<String, Object> config, String env) {
        double[] y = numbers(row, fields.curve(), where, true);
        double[] x = fields.x().equals(INDEX) ? index(y.length) : numbers(row, fields.x(), where, false);
        if (x.length != y.length || y.length == 0) {
            throw new CurveDataException(where + ": fields '" + fields.x() + "' and '" + fields.curve() + "' must be non-empty lists of equal length");
        }
        increasing(x, where, fields.x());
        return new CurveRun(where, env, groupKey(env, config), config, x, y);
    }

    /** The feature values of a row; a missing or non-scalar field is an error naming it. */
    static Map<String, Object> config(JsonNode row, String where, List<String> features, boolean required) {
        var config = new LinkedHashMap<String, Object>();
        for (String f : features) {
            JsonNode v = row.get(f);
            if (v == null || v.isNull()) {
                if (required) {
                    throw new CurveDataException(where + ": feature '" + f + "' is missing");
                }
                continue;
            }
            if (v.isNumber()) {
                double d = v.asDouble();
                if (!Double.isFinite(d)) {
                    throw new CurveDataException(where + ": feature '" + f + "' is not a finite number");
                }
                config.put(f, d);
            } else if (v.isTextual() || v.isBoolean()) {
                config.put(f, v.asText());
            } else {
                throw new CurveDataException(where + ": feature '" + f + "' must be a number, string or boolean");
            }
        }
        return config;
    }

    private static double[] numbers(JsonNode row, String field, String where, boolean curve) {
        JsonNode a = row.get(field);
        if (a == null || !a.isArray()) {
            throw new CurveDataException(where + ": field '" + field + "' is missing or not a list");
        }
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = a.get(i);
            // NaN returns are refused, not skipped: a diverged run would otherwise look like a short one
            if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                throw new CurveDataException(where + ": field '" + field + "'[" + i + "] is " + v + ", not a finite number"
                        + (curve ? " (drop the run or cut its curve before the bad point)" : ""));
            }
            out[i] = v.asDouble();
        }
        return out;
    }

    private static void increasing(double[] x, String where, String field) {
        for (int i = 1; i < x.length; i++) {
            if (!(x[i] > x[i - 1])) {
                throw new CurveDataException(where + ": field '" + field + "' must increase, but [" + i + "] = " + x[i] + " follows " + x[i - 1]);
            }
        }
    }

    static String groupKey(String env, Map<String, Object> config) {
        return env + "|" + config;
    }

    /**
     * The trials of a stored experiment as runs: a trial's parameters are its configuration, its series of metric
     * {@code curve} is the curve; x is metric {@code x} at the same steps where the trial reported one, else the step.
     * Trials without the metric are skipped (they failed before reporting); a trial missing a feature is an error.
     */
    public static List<CurveRun> fromHistory(long experimentId, String env, List<Trial> trials,
                                             java.util.function.IntFunction<List<MetricPoint>> metrics, Fields fields) {
        var runs = new ArrayList<CurveRun>();
        for (Trial t : trials) {
            var ys = new TreeMap<Long, Double>();
            var xs = new TreeMap<Long, Double>();
            for (MetricPoint p : metrics.apply(t.number())) {
                if (p.name().equals(fields.curve())) {
                    ys.put(p.step(), p.value());
                } else if (p.name().equals(fields.x())) {
                    xs.put(p.step(), p.value());
                }
            }
            if (ys.isEmpty()) {
                continue;
            }
            String where = "experiment " + experimentId + " trial " + t.number();
            var config = new LinkedHashMap<String, Object>();
            for (String f : fields.features()) {
                Object v = t.params().get(f);
                if (v == null) {
                    throw new CurveDataException(where + ": feature '" + f + "' is not a parameter of the trial (its parameters: "
                            + t.params().keySet() + ")");
                }
                config.put(f, v instanceof Number num ? (Object) num.doubleValue() : v.toString());
            }
            double[] y = new double[ys.size()];
            double[] x = new double[ys.size()];
            int i = 0;
            for (var e : ys.entrySet()) {
                if (!Double.isFinite(e.getValue())) {
                    throw new CurveDataException(where + ": metric '" + fields.curve() + "' at step " + e.getKey() + " is " + e.getValue());
                }
                y[i] = e.getValue();
                x[i] = fields.x().equals(INDEX) ? i + 1 : xs.getOrDefault(e.getKey(), (double) e.getKey());
                i++;
            }
            increasing(x, where, fields.x());
            runs.add(new CurveRun(where, env, groupKey(env, config), config, x, y));
        }
        if (runs.isEmpty()) {
            throw new CurveDataException("experiment " + experimentId + ": no trial reported metric '" + fields.curve() + "'");
        }
        return runs;
    }

}
