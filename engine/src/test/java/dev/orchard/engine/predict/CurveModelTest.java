package dev.orchard.engine.predict;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Trains a small model for real (DJL's PyTorch natives from the Maven jar, offline) on synthetic curves. */
class CurveModelTest {
    @TempDir
    static Path tmp;

    static List<CurveRun> train = new ArrayList<>();
    static List<CurveRun> test = new ArrayList<>();
    static VaeCurveModel model;
    static Prepared prepared;

    /** Curves y = h(lr)·(1 − exp(−t/τ)) + noise, the height a bump in log lr: smooth in the configuration, not in its rank. */
    static List<CurveRun> runs(double[] lrs, SplittableRandom rng) {
        var out = new ArrayList<CurveRun>();
        for (double lr : lrs) {
            Map<String, Object> c = Map.of("lr", lr);
            for (int s = 0; s < 2; s++) {
                double[] x = new double[20], y = new double[20];
                for (int i = 0; i < 20; i++) {
                    x[i] = 100 * (i + 1);
                    double h = 10 * Math.exp(-Math.pow(Math.log10(lr) + 3, 2));
                    y[i] = h * (1 - Math.exp(-x[i] / 600)) + 0.2 * rng.nextGaussian();
                }
                out.add(new CurveRun("lr" + lr + "/" + s, "E", CurveRuns.groupKey("E", c), c, x, y));
            }
        }
        return out;
    }

    @BeforeAll
    static void trainOnce() {
        SplittableRandom rng = new SplittableRandom(1);
        double[] trainLr = new double[24];
        for (int i = 0; i < trainLr.length; i++) {
            trainLr[i] = Math.pow(10, -5 + 4.0 * i / (trainLr.length - 1));
        }
        train = runs(trainLr, rng);
        test = runs(new double[]{Math.pow(10, -4.1), Math.pow(10, -3.05), Math.pow(10, -2.3), Math.pow(10, -1.6)}, rng);
        prepared = Prepared.fit(train, List.of(), List.of("lr"), 10, Optional.empty());
        var hyper = new VaeCurveModel.Hyper(1, 2, 16, 60, 16, 0.01, 0.1, 10, 2, 0.5);
        var losses = new ArrayList<Double>();
        model = VaeCurveModel.train(prepared, prepared.rows(train), hyper, 3, true, (m, e, loss) -> losses.add(loss));
        assertThat(losses).hasSize(120).allMatch(Double::isFinite);
        assertThat(losses.get(59)).isLessThan(losses.get(0));
    }

    @Test
    void beatsTheMeanCurveAndItsBandCoversMostHeldOutPoints() {
        var trainRows = prepared.rows(train);
        var scores = new CurveScores();
        scores.add(List.of(model, new Baselines.MeanCurve(trainRows)), prepared.rows(test), new double[]{0});
        var byMethod = scores.scores();
        double vae = byMethod.get(0).mse(), mean = byMethod.get(1).mse();
        assertThat(vae).isLessThan(0.5 * mean);
        assertThat(byMethod.get(0).coverage()).isBetween(0.5, 1.0);
    }

    @Test
    void savedAndLoadedPredictsTheSameAndRefusesAnotherVersionOrParameters() throws Exception {
        Path dir = tmp.resolve("model");
        CurveModelFiles.save(model, new CurveRuns.Fields(List.of("lr"), "returns", "timesteps", "env"), train, dir);
        assertThat(CurveModelFiles.manifest(dir).version()).isEqualTo(2);
        assertThat(CurveModelFiles.manifest(dir).blend()).isNotNull();
        var q = prepared.rows(test).get(0);
        var q0 = q.withCurve(q.curve().prefix(0));
        var q4 = q.withCurve(q.curve().prefix(4));
        try (VaeCurveModel loaded = CurveModelFiles.load(dir)) {
            assertThat(loaded.predict(q0).mean()).containsExactly(model.predict(q0).mean(), org.assertj.core.data.Offset.offset(1e-5));
            // the blend is part of the saved model: a partly observed curve gets the same blended forecast and band
            assertThat(loaded.predict(q4).mean()).containsExactly(model.predict(q4).mean(), org.assertj.core.data.Offset.offset(1e-5));
            assertThat(loaded.predict(q4).sd()).containsExactly(model.predict(q4).sd(), org.assertj.core.data.Offset.offset(1e-5));
            assertThat(loaded.blend().orElseThrow().weights()).isDeepEqualTo(model.blend().orElseThrow().weights());
            assertThat(loaded.sample(3, 1)).hasSize(3).allSatisfy(s -> assertThat(s.config()).containsKey("lr"));
        }
        String manifest = Files.readString(dir.resolve("model.json"));
        Files.writeString(dir.resolve("model.json"), manifest.replace("\"version\" : 2", "\"version\" : 99"));
        assertThatThrownBy(() -> CurveModelFiles.load(dir)).hasMessageContaining("field 'version' is 99");
        Files.writeString(dir.resolve("model.json"), manifest);
        Files.copy(dir.resolve("member-1.params"), dir.resolve("member-0.params"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> CurveModelFiles.load(dir)).hasMessageContaining("field 'sha256'[0]");
    }

    /** A directory written before the blend existed (version 1, no "blend") loads as the model alone; a mixed-up one is refused. */
    @Test
    void aVersionOneModelLoadsAsTheModelAloneAndABrokenBlendIsNamed() throws Exception {
        Path dir = tmp.resolve("v1");
        CurveModelFiles.save(model, new CurveRuns.Fields(List.of("lr"), "returns", "timesteps", "env"), train, dir);
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) dev.orchard.engine.json.Json.SPEC.readTree(Files.readString(dir.resolve("model.json")));
        String v2 = tree.toString();
        tree.remove("blend");
        tree.put("version", 1);
        Files.writeString(dir.resolve("model.json"), tree.toPrettyString());
        var q = prepared.rows(test).get(2);
        var q4 = q.withCurve(q.curve().prefix(4));
        try (VaeCurveModel old = CurveModelFiles.load(dir)) {
            assertThat(old.blend()).isEmpty();
            assertThat(old.predict(q4).mean()).containsExactly(model.alone().predict(q4).mean(), org.assertj.core.data.Offset.offset(1e-5));
            assertThat(old.predict(q4).sd()).containsExactly(model.alone().predict(q4).sd(), org.assertj.core.data.Offset.offset(1e-5));
        }
        // a model saved without a blend is written as version 1, which older Orchards read
        Path plain = tmp.resolve("plain");
        try (VaeCurveModel old = CurveModelFiles.load(dir)) {
            CurveModelFiles.save(old, new CurveRuns.Fields(List.of("lr"), "returns", "timesteps", "env"), train, plain);
        }
        assertThat(CurveModelFiles.manifest(plain).version()).isEqualTo(1);
        assertThat(Files.readString(plain.resolve("model.json"))).doesNotContain("blend");

        Files.writeString(dir.resolve("model.json"), v2.replaceFirst("\"blend\":\\{", "\"blend_\":{"));
        assertThatThrownBy(() -> CurveModelFiles.manifest(dir)).isInstanceOf(CurveDataException.class).hasMessageContaining("field 'blend' is missing");
        tree.set("blend", dev.orchard.engine.json.Json.SPEC.readTree(v2).get("blend"));
        Files.writeString(dir.resolve("model.json"), tree.toPrettyString());
        assertThatThrownBy(() -> CurveModelFiles.manifest(dir)).isInstanceOf(CurveDataException.class).hasMessageContaining("field 'blend' is not part of version 1");
        var broken = (com.fasterxml.jackson.databind.node.ObjectNode) dev.orchard.engine.json.Json.SPEC.readTree(v2);
        ((com.fasterxml.jackson.databind.node.ObjectNode) broken.get("blend")).putArray("band_scale").add(1.0);
        Files.writeString(dir.resolve("model.json"), broken.toPrettyString());
        assertThatThrownBy(() -> CurveModelFiles.manifest(dir)).isInstanceOf(CurveDataException.class).hasMessageContaining("field 'blend' is malformed");
    }

    /** The blend is fit on the ensemble's out-of-fold forecasts of the training runs, and only of them. */
    @Test
    void theBlendIsFitOnOutOfFoldForecastsOfTheTrainingRunsOnly() {
        int expected = 0;
        for (var r : prepared.rows(train)) {
            int n = r.curve().observed();
            for (double f : CurveBlend.FRACTIONS) {
                int k = (int) Math.round(f * n);
                expected += k >= 1 && k < n ? 1 : 0;
            }
        }
        CurveBlend blend = model.blend().orElseThrow();
        assertThat(blend.samples()).isEqualTo(expected); // every training run once per prefix (held out from one member), no test run
        assertThat(blend.range()[0]).isEqualTo(VaeCurveModel.range(prepared.rows(train))[0]);
        assertThat(blend.range()[1]).isEqualTo(VaeCurveModel.range(prepared.rows(train))[1]);
        // a configuration alone is not blended; a partly observed curve is, between the candidates at every point it forecasts
        var q = prepared.rows(test).get(1);
        var q0 = q.withCurve(q.curve().prefix(0));
        assertThat(model.predict(q0).mean()).containsExactly(model.alone().predict(q0).mean());
        var q5 = q.withCurve(q.curve().prefix(5));
        var blended = model.predict(q5);
        var alone = model.alone().predict(q5);
        double[][] c = CurveBlend.candidates(Baselines.PowerLaw.time(prepared.grid()), blend.range(), q5.curve(), alone.mean());
        for (int i = q5.curve().last() + 1; i < 10; i++) {
            double lo = Math.min(c[0][i], Math.min(c[1][i], c[2][i])), hi = Math.max(c[0][i], Math.max(c[1][i], c[2][i]));
            assertThat(blended.mean()[i]).isBetween(lo - 1e-9, hi + 1e-9);
            assertThat(blended.sd()[i]).isPositive();
        }
    }

    @Test
    void anObservedPrefixChangesThePredictionTowardsTheTrialsOwnCurve() {
        var q = prepared.rows(test).get(1);
        var none = model.predict(q.withCurve(q.curve().prefix(0)));
        var half = model.predict(q.withCurve(q.curve().prefix(5)));
        double errNone = 0, errHalf = 0;
        for (int i = 5; i < 10; i++) {
            errNone += Math.pow(none.mean()[i] - q.curve().values()[i], 2);
            errHalf += Math.pow(half.mean()[i] - q.curve().values()[i], 2);
        }
        assertThat(half.mean()).isNotEqualTo(none.mean());
        assertThat(errHalf).isLessThan(errNone + 0.5);
    }

    @Test
    void aConfigurationMissingAFeatureIsAnErrorNamingIt() {
        assertThatThrownBy(() -> prepared.encoder().encode(Map.of("gamma", 0.9), "agent", "configs.jsonl:3"))
                .isInstanceOf(CurveDataException.class).hasMessageContaining("configs.jsonl:3").hasMessageContaining("feature 'lr' is missing");
    }
}
