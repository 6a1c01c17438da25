package dev.orchard.engine.predict;

import dev.orchard.engine.predict.CurvePredictor.Band;
import dev.orchard.engine.predict.CurvePredictor.Row;
import org.hipparchus.stat.correlation.SpearmansCorrelation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scores of predictors on held-out runs, accumulated over folds: mean squared error of the normalised curve at the
 * grid points a run has and the predictor was not shown, Spearman correlation of the predicted and true final value
 * (at the latest grid point all evaluated runs reached), and the fraction of true points inside the 80 % band. Task "full" predicts from the configuration
 * alone; task "p%" shows the first p % of each run's points and scores the rest.
 */
public final class CurveScores {
    /** One method on one task. */
    public record Score(String method, String task, double mse, double spearman, double coverage, int runs, long points) {
    }

    private static final class Acc {
        double sq;
        long n;
        long covered;
        final List<double[]> finals = new ArrayList<>();
    }

    private final Map<List<String>, Acc> acc = new LinkedHashMap<>();

    public static String task(double fraction) {
        return fraction == 0 ? "full" : String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
    }

    /** Scores every predictor on every run of {@code test} for each prefix fraction (0 = full curve from the configuration). */
    public void add(List<CurvePredictor> predictors, List<Row> test, double[] fractions) {
        for (double f : fractions) {
            for (CurvePredictor p : predictors) {
                if (f == 0 && p.needsPrefix()) {
                    continue;
                }
                Acc a = acc.computeIfAbsent(List.of(p.name(), task(f)), k -> new Acc());
                // "final": the latest grid point every evaluated run reached, so runs cut short do not rank by their length
                int horizon = test.stream().mapToInt(r -> r.curve().last()).min().orElse(0);
                for (Row r : test) {
                    int n = r.curve().observed();
                    int k = (int) Math.round(f * n);
                    if (f > 0 && (k < 1 || k >= n)) {
                        continue;
                    }
                    boolean[] shown = r.curve().prefix(k).mask();
                    Band b = p.predict(r.withCurve(r.curve().prefix(k)));
                    for (int i = 0; i < shown.length; i++) {
                        if (r.curve().mask()[i] && !shown[i]) {
                            double y = r.curve().values()[i];
                            double d = b.mean()[i] - y;
                            a.sq += d * d;
                            a.n++;
                            a.covered += Math.abs(d) <= CurvePredictor.Z80 * b.sd()[i] ? 1 : 0;
                        }
                    }
                    a.finals.add(new double[]{b.mean()[horizon], r.curve().values()[horizon]});
                }
            }
        }
    }

    public List<Score> scores() {
        var out = new ArrayList<Score>();
        acc.forEach((k, a) -> {
            double[] x = a.finals.stream().mapToDouble(v -> v[0]).toArray();
            double[] y = a.finals.stream().mapToDouble(v -> v[1]).toArray();
            double rho = x.length < 3 ? Double.NaN : new SpearmansCorrelation().correlation(x, y);
            out.add(new Score(k.get(0), k.get(1), a.sq / a.n, rho, a.covered / (double) a.n, x.length, a.n));
        });
        return out;
    }

    /**
     * The table: per task, each method's MSE, its ratio to the best baseline of that task (every method but
     * {@code model} and the model without its blend, {@link VaeCurveModel#ALONE}), Spearman and coverage.
     */
    public static String table(List<Score> scores, String model) {
        java.util.function.Predicate<String> baseline = m -> !m.equals(model) && !m.equals(VaeCurveModel.ALONE);
        var b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-6s %-14s %8s %14s %9s %9s %6s%n", "task", "method", "mse", "vs best base", "spearman",
                "coverage", "runs"));
        var tasks = scores.stream().map(Score::task).distinct().toList();
        for (String t : tasks) {
            double best = scores.stream().filter(s -> s.task().equals(t) && baseline.test(s.method())).mapToDouble(Score::mse).min()
                    .orElse(Double.NaN);
            for (Score s : scores) {
                if (s.task().equals(t)) {
                    b.append(String.format(Locale.ROOT, "%-6s %-14s %8.4f %13.2fx %9.3f %8.1f%% %6d%n", t, s.method(), s.mse(), s.mse() / best,
                            s.spearman(), 100 * s.coverage(), s.runs()));
                }
            }
        }
        return b.toString();
    }
}
