package dev.orchard.engine.predict;

import dev.orchard.engine.bench.CurveBenchmark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CurveDataTest {
    @TempDir
    Path tmp;

    static final CurveRuns.Fields FIELDS = new CurveRuns.Fields(List.of("lr", "opt"), "returns", "timesteps", "env");

    Path file(String... lines) throws Exception {
        Path f = tmp.resolve("runs.jsonl");
        Files.write(f, List.of(lines));
        return f;
    }

    @Test
    void nanReturnsAreRefusedNamingLineAndField() throws Exception {
        Path f = file("{\"lr\":0.1,\"opt\":\"adam\",\"timesteps\":[1,2],\"returns\":[1,2]}",
                "{\"lr\":0.1,\"opt\":\"adam\",\"timesteps\":[1,2],\"returns\":[1,\"NaN\"]}");
        assertThatThrownBy(() -> CurveRuns.readJsonLines(f, FIELDS)).isInstanceOf(CurveDataException.class)
                .hasMessageContaining("runs.jsonl:2").hasMessageContaining("'returns'[1]");
    }

    @Test
    void aMissingFeatureAndCurvesOfDifferentLengthsAreNamed() throws Exception {
        Path missing = file("{\"lr\":0.1,\"timesteps\":[1,2],\"returns\":[1,2]}");
        assertThatThrownBy(() -> CurveRuns.readJsonLines(missing, FIELDS)).hasMessageContaining("feature 'opt' is missing");
        Path ragged = file("{\"lr\":0.1,\"opt\":\"sgd\",\"timesteps\":[1,2,3],\"returns\":[1,2]}");
        assertThatThrownBy(() -> CurveRuns.readJsonLines(ragged, FIELDS)).hasMessageContaining("'timesteps' has 3 values but 'returns' has 2");
    }

    static CurveRun run(String id, double lr, String opt, double[] x, double[] y) {
        Map<String, Object> c = Map.of("lr", lr, "opt", opt);
        return new CurveRun(id, "E", CurveRuns.groupKey("E", c), c, x, y);
    }

    @Test
    void encodingIsLogForWideRangesOneHotForStringsAndRefusesConstants() {
        var runs = List.of(run("a", 1e-5, "adam", new double[]{1}, new double[]{0}), run("b", 1e-2, "sgd", new double[]{1}, new double[]{1}),
                run("c", 1e-3, "sgd", new double[]{1}, new double[]{1}));
        FeatureEncoder enc = FeatureEncoder.fit(runs, List.of(), List.of("lr", "opt"), Optional.empty());
        assertThat(enc.features().get(0).kind()).isEqualTo(FeatureEncoder.Kind.LOG);
        assertThat(enc.features().get(1).kind()).isEqualTo(FeatureEncoder.Kind.ONE_HOT);
        float[] v = enc.encode(Map.of("lr", 1e-3, "opt", "sgd"), "agent", "q");
        assertThat(v).hasSize(3);
        assertThat(v[1]).isZero();
        assertThat(v[2]).isEqualTo(1f);
        // decoding inverts the scaler (log space) and the one-hot
        assertThat((double) enc.decode(v, "agent").get("lr")).isCloseTo(1e-3, org.assertj.core.data.Offset.offset(1e-6));
        assertThatThrownBy(() -> enc.encode(Map.of("lr", 1e-3, "opt", "rmsprop"), "agent", "q")).hasMessageContaining("'opt' = rmsprop");
        var constant = List.of(run("a", 0.1, "adam", new double[]{1}, new double[]{0}), run("b", 0.1, "sgd", new double[]{1}, new double[]{0}));
        assertThatThrownBy(() -> FeatureEncoder.fit(constant, List.of(), List.of("lr", "opt"), Optional.empty()))
                .hasMessageContaining("feature 'lr' is constant");
    }

    @Test
    void aRunCutShortIsMaskedNotStretched() {
        var full = run("a", 0.1, "adam", new double[]{0, 50, 100}, new double[]{0, 5, 10});
        var shortRun = run("b", 0.2, "adam", new double[]{0, 50}, new double[]{0, 8});
        CurveGrid grid = CurveGrid.fit(List.of(full, shortRun), 5);
        CurveGrid.Masked m = grid.project(shortRun.x(), shortRun.y());
        assertThat(m.mask()).containsExactly(true, true, true, false, false);
        assertThat(m.values()[1]).isEqualTo(4.0);
        assertThat(grid.project(full.x(), full.y()).values()[3]).isEqualTo(7.5);
    }

    @Test
    void foldsKeepEverySeedOfAConfigurationTogether() {
        var runs = new ArrayList<CurveRun>();
        for (int c = 0; c < 20; c++) {
            for (int s = 0; s < 3; s++) {
                runs.add(run(c + "/" + s, 0.01 * (c + 1), "adam", new double[]{1, 2}, new double[]{s, c}));
            }
        }
        var folds = CurveBenchmark.folds(runs, 5, 3);
        assertThat(folds).hasSize(5);
        assertThat(folds.stream().mapToInt(List::size).sum()).isEqualTo(60);
        for (int i = 0; i < folds.size(); i++) {
            for (int j = i + 1; j < folds.size(); j++) {
                var gi = folds.get(i).stream().map(CurveRun::group).toList();
                assertThat(folds.get(j)).noneMatch(r -> gi.contains(r.group()));
            }
        }
    }

    static CurvePredictor.Row row(double[] values, boolean[] mask, float[] agent, String group) {
        var r = new CurveRun(group, "E", group, Map.of(), new double[]{1}, new double[]{0});
        return new CurvePredictor.Row(r, new float[0], agent, new CurveGrid.Masked(values, mask));
    }

    @Test
    void powerLawRecoversALawFromItsPrefixAndKNearestFollowsTheNearestConfiguration() {
        int n = 20;
        double[] x = new double[n];
        double[] law = new double[n];
        boolean[] all = new boolean[n];
        for (int i = 0; i < n; i++) {
            x[i] = (i + 1) * 10.0;
            all[i] = true;
        }
        for (int i = 0; i < n; i++) {
            law[i] = 2 - 1.5 * Math.pow(x[i] / x[n - 1], -0.7);
        }
        var grid = new CurveGrid(x);
        var train = new ArrayList<CurvePredictor.Row>();
        for (int c = 0; c < 6; c++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = c * 0.5 + i * 0.01;
            }
            train.add(row(v, all, new float[]{c}, "g" + c));
        }
        var pl = new Baselines.PowerLaw(List.of(row(law, all, new float[]{0}, "t"), row(new double[n], all, new float[]{0}, "z")), grid);
        var q = row(law, all, new float[]{0}, "q").withCurve(new CurveGrid.Masked(law, all).prefix(8));
        var band = pl.predict(q);
        assertThat(band.mean()[n - 1]).isCloseTo(law[n - 1], org.assertj.core.data.Offset.offset(0.02));
        var knn = new Baselines.KNearest(train);
        var near = knn.predict(row(new double[n], new boolean[n], new float[]{4.1f}, "q"));
        assertThat(near.mean()[0]).isBetween(1.0, 3.0); // the neighbours of 4.1 are configurations 4 (and its neighbours), not 0
        assertThat(knn.k()).isLessThan(6);
    }
}
