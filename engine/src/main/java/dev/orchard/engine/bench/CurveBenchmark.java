package dev.orchard.engine.bench;

import dev.orchard.engine.predict.Baselines;
import dev.orchard.engine.predict.CurvePredictor;
import dev.orchard.engine.predict.CurveRun;
import dev.orchard.engine.predict.CurveScores;
import dev.orchard.engine.predict.Prepared;
import dev.orchard.engine.predict.VaeCurveModel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The curve predictor against its baselines, k-fold by configuration: all runs (seeds) of one configuration fall in the
 * same fold, so no seed of a test configuration is seen in training. In each fold everything is fit on the training
 * folds only (encoder scalers, grid, per-environment scale, the model, its band scale, the baselines' k) and scored on
 * the held-out fold; scores pool over folds.
 */
public final class CurveBenchmark {
    private CurveBenchmark() {
    }

    /** {@code blend}: fit the stacking of partial curves too (then the model alone is scored beside it, as {@value VaeCurveModel#ALONE}). */
    public record Setup(List<String> envFeatures, List<String> agentFeatures, int gridPoints, int folds, VaeCurveModel.Hyper hyper,
                        long seed, double[] fractions, boolean blend) {
    }

    /** The folds: configurations (groups) dealt round-robin in a seeded order. */
    public static List<List<CurveRun>> folds(List<CurveRun> runs, int k, long seed) {
        var groups = new ArrayList<String>();
        runs.forEach(r -> {
            if (!groups.contains(r.group())) {
                groups.add(r.group());
            }
        });
        if (groups.size() < k) {
            throw new IllegalArgumentException("only " + groups.size() + " configurations for " + k + " folds");
        }
        java.util.Collections.shuffle(groups, new java.util.Random(seed));
        var foldOf = new LinkedHashMap<String, Integer>();
        for (int i = 0; i < groups.size(); i++) {
            foldOf.put(groups.get(i), i % k);
        }
        var out = new ArrayList<List<CurveRun>>();
        for (int f = 0; f < k; f++) {
            final int ff = f;
            out.add(runs.stream().filter(r -> foldOf.get(r.group()) == ff).toList());
        }
        return out;
    }

    public static List<CurveScores.Score> run(List<CurveRun> runs, Setup setup, Consumer<String> progress) {
        var scores = new CurveScores();
        var folds = folds(runs, setup.folds(), setup.seed());
        for (int f = 0; f < folds.size(); f++) {
            var test = folds.get(f);
            var train = new ArrayList<CurveRun>();
            for (int g = 0; g < folds.size(); g++) {
                if (g != f) {
                    train.addAll(folds.get(g));
                }
            }
            Prepared p = Prepared.fit(train, setup.envFeatures(), setup.agentFeatures(), setup.gridPoints(), Optional.empty());
            var trainRows = p.rows(train);
            var testRows = p.rows(test);
            int fold = f + 1;
            long start = System.nanoTime();
            try (VaeCurveModel model = VaeCurveModel.train(p, trainRows, setup.hyper(), setup.seed() + f, setup.blend(), (m, e, loss) -> {
                if (e == setup.hyper().epochs()) {
                    progress.accept(String.format(java.util.Locale.ROOT, "fold %d member %d: loss %.3f", fold, m + 1, loss));
                }
            })) {
                var knn = new Baselines.KNearest(trainRows);
                var predictors = new ArrayList<CurvePredictor>(List.of(model, new Baselines.MeanCurve(trainRows), knn, new Baselines.LastValue(trainRows),
                        new Baselines.PowerLaw(trainRows, p.grid())));
                if (model.blend().isPresent()) {
                    predictors.add(1, model.alone());
                }
                scores.add(predictors, testRows, setup.fractions());
                progress.accept(String.format(java.util.Locale.ROOT, "fold %d: %d train / %d test runs, k-nearest k = %d, band scale %.2f, %.0f s",
                        fold, train.size(), test.size(), knn.k(), model.bandScale(), (System.nanoTime() - start) / 1e9));
            }
        }
        return scores.scores();
    }
}
