package dev.orchard.engine.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.orchard.engine.json.InputFiles;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.json.LineReader;
import dev.orchard.engine.space.ChoiceParam;
import dev.orchard.engine.space.Param;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.trial.Direction;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * A tabular benchmark: a grid of configurations, each with the metric of several training seeds. An evaluation returns
 * one random seed's value; the regret of a configuration is the distance of its mean over seeds from the best mean in
 * the table. The space is one choice per column, numeric columns ordered.
 */
public final class TabularProblem implements Problem {
    private final String name;
    private final SearchSpace space;
    private final Direction direction;
    private final Map<String, double[]> rows;
    private final double bestMean;

    private TabularProblem(String name, SearchSpace space, Direction direction, Map<String, double[]> rows) {
        this.name = name;
        this.space = space;
        this.direction = direction;
        this.rows = rows;
        double best = direction == Direction.MAXIMIZE ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        for (double[] seeds : rows.values()) {
            double m = mean(seeds);
            if (direction.better(m, best)) {
                best = m;
            }
        }
        this.bestMean = best;
    }

    /** Every table listed in an index file ({@code index.json} format), named {@code benchmark-dataset}. */
    public static List<TabularProblem> loadIndex(Path index) throws IOException {
        JsonNode entries = Json.WIRE.readTree(InputFiles.readString(index, InputFiles.DOCUMENT_MAX));
        var out = new ArrayList<TabularProblem>();
        for (JsonNode e : entries) {
            if (!e.has("space") || !e.has("file")) {
                continue; // e.g. learning-curve files listed in the same index
            }
            String name = e.path("benchmark").asText("tabular") + "-" + e.path("dataset").asText(e.path("file").asText());
            out.add(load(name, index.resolveSibling(e.get("file").asText()), e.get("space"),
                    Direction.parse(e.path("direction").asText("maximize"))));
        }
        return out;
    }

    static TabularProblem load(String name, Path csv, JsonNode spaceNode, Direction direction) throws IOException {
        var params = new ArrayList<Param>();
        var columns = new ArrayList<String>();
        Iterator<Map.Entry<String, JsonNode>> it = spaceNode.fields();
        while (it.hasNext()) {
            var f = it.next();
            var values = new ArrayList<Object>();
            for (JsonNode v : f.getValue()) {
                values.add(v.isNumber() ? (Object) v.numberValue() : v.asText());
            }
            params.add(new ChoiceParam(f.getKey(), values));
            columns.add(f.getKey());
        }
        SearchSpace space = SearchSpace.of(params.toArray(Param[]::new));
        var rows = new HashMap<String, double[]>();
        try (LineReader r = Json.textReader(csv)) {
            String[] header = r.readLine().split(",");
            int[] paramCol = new int[columns.size()];
            var seedCols = new ArrayList<Integer>();
            for (int i = 0; i < header.length; i++) {
                int p = columns.indexOf(header[i].trim());
                if (p >= 0) {
                    paramCol[p] = i;
                } else if (header[i].trim().startsWith("seed")) {
                    seedCols.add(i);
                }
            }
            String line;
            while ((line = r.readLine()) != null) {
                String[] cells = line.split(",", -1);
                var config = new LinkedHashMap<String, Object>();
                for (int p = 0; p < columns.size(); p++) {
                    config.put(columns.get(p), cellValue((ChoiceParam) params.get(p), cells[paramCol[p]].trim()));
                }
                double[] seeds = seedCols.stream().mapToDouble(c -> number(cells, c)).filter(Double::isFinite).toArray();
                if (seeds.length > 0) {
                    rows.put(key(space, config), seeds);
                }
            }
        }
        return new TabularProblem(name, space, direction, rows);
    }

    /** A seed's value; a missing or empty cell (a seed that was not run) is NaN and left out. */
    private static double number(String[] cells, int c) {
        if (c >= cells.length || cells[c].isBlank()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(cells[c].trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }


    /** The grid value a CSV cell stands for (numbers matched to the nearest grid value). */
    private static Object cellValue(ChoiceParam p, String cell) {
        if (!p.numeric()) {
            return cell;
        }
        double v = Double.parseDouble(cell);
        Object best = null;
        double gap = Double.POSITIVE_INFINITY;
        for (Object c : p.values()) {
            double g = Math.abs(((Number) c).doubleValue() - v);
            if (g < gap) {
                gap = g;
                best = c;
            }
        }
        return best;
    }

    private static String key(SearchSpace space, Map<String, Object> config) {
        StringBuilder b = new StringBuilder();
        for (Param p : space.params()) {
            b.append(((ChoiceParam) p).indexOf(config.get(p.name()))).append('/');
        }
        return b.toString();
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    public int size() {
        return rows.size();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SearchSpace space() {
        return space;
    }

    @Override
    public Direction direction() {
        return direction;
    }

    @Override
    public OptionalDouble evaluate(Map<String, Object> config, SplittableRandom rng) {
        double[] seeds = rows.get(key(space, config));
        return seeds == null ? OptionalDouble.empty() : OptionalDouble.of(seeds[rng.nextInt(seeds.length)]);
    }

    @Override
    public double regret(Map<String, Object> config) {
        double[] seeds = rows.get(key(space, config));
        return seeds == null ? Double.POSITIVE_INFINITY : Math.abs(bestMean - mean(seeds));
    }
}
