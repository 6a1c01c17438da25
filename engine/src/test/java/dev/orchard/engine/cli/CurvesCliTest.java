package dev.orchard.engine.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class CurvesCliTest {
    @TempDir
    Path tmp;

    Path data(int configs, int offset) throws Exception {
        var lines = new ArrayList<String>();
        for (int c = 0; c < configs; c++) {
            double lr = -5 + 4.0 * (c + offset * 0.5) / configs;
            for (int s = 0; s < 2; s++) {
                var xs = new ArrayList<String>();
                var ys = new ArrayList<String>();
                int n = 12 - (c % 3); // runs of different lengths
                for (int i = 1; i <= n; i++) {
                    xs.add(String.valueOf(i * 1000));
                    ys.add(String.format(Locale.ROOT, "%.3f", (lr + 5) * (1 - Math.exp(-i / 4.0)) + 0.1 * s));
                }
                lines.add(String.format(Locale.ROOT, "{\"env\":\"E\",\"log10_lr\":%.3f,\"clip\":%s,\"seed\":%d,\"timesteps\":[%s],\"returns\":[%s]}",
                        lr, c % 2 == 0 ? "0.2" : "0.3", s, String.join(",", xs), String.join(",", ys)));
            }
        }
        Path f = tmp.resolve("runs" + offset + ".jsonl");
        Files.write(f, lines);
        return f;
    }

    @Test
    void fitPredictEvalAndBadInput() throws Exception {
        Path train = data(12, 0);
        Path model = tmp.resolve("model");
        var fit = CliTest.cli("curves", "fit", "--data", train.toString(), "--agent-features", "log10_lr,clip", "--model", model.toString(),
                "--epochs", "20", "--members", "2", "--grid", "8", "--no-residual");
        assertThat(fit.code()).as(fit.err()).isZero();
        assertThat(model.resolve("model.json")).exists();
        assertThat(dev.orchard.engine.predict.CurveModelFiles.manifest(model).hyper().residual()).isFalse();

        Path configs = tmp.resolve("configs.jsonl");
        Files.write(configs, List.of("{\"id\":\"a\",\"log10_lr\":-3,\"clip\":0.2}", "{\"id\":\"b\",\"log10_lr\":-2,\"clip\":0.3}"));
        Path observed = tmp.resolve("observed.jsonl");
        Files.write(observed, List.of("{\"id\":\"b\",\"timesteps\":[1000,2000,3000],\"returns\":[0.5,1.0,1.4]}"));
        Path out = tmp.resolve("pred.jsonl");
        var predict = CliTest.cli("curves", "predict", "--model", model.toString(), "--configs", configs.toString(), "--observed",
                observed.toString(), "--out", out.toString());
        assertThat(predict.code()).as(predict.err()).isZero();
        var lines = Files.readAllLines(out);
        assertThat(lines).hasSize(2);
        var b = dev.orchard.engine.json.Json.read(lines.get(1));
        assertThat(b.get("id").asText()).isEqualTo("b");
        assertThat(b.get("x")).hasSize(8);
        for (int i = 0; i < 8; i++) {
            assertThat(b.get("lower").get(i).asDouble()).isLessThanOrEqualTo(b.get("mean").get(i).asDouble());
            assertThat(b.get("upper").get(i).asDouble()).isGreaterThanOrEqualTo(b.get("mean").get(i).asDouble());
        }
        assertThat(b.get("mean").get(0).asDouble()).isEqualTo(0.5); // an observed point is returned as observed

        var eval = CliTest.cli("curves", "eval", "--model", model.toString(), "--data", data(6, 1).toString());
        assertThat(eval.code()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("vae-ensemble", "k-nearest", "power-law", "last-value", "50%");

        Files.write(configs, List.of("{\"id\":\"a\",\"log10_lr\":-3}"));
        var missing = CliTest.cli("curves", "predict", "--model", model.toString(), "--configs", configs.toString(), "--out", out.toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("configs.jsonl:1").contains("feature 'clip' is missing");
        var notModel = CliTest.cli("curves", "predict", "--model", tmp.toString(), "--configs", configs.toString(), "--out", out.toString());
        assertThat(notModel.code()).isEqualTo(2);
        assertThat(notModel.err()).contains("no model.json");
    }

    /** {@code curves fit --blend}: the stacking is saved with the model and used by predict (with --observed) and eval. */
    @Test
    void aBlendedModelIsSavedAndUsedByPredictAndEval() throws Exception {
        Path model = tmp.resolve("blended");
        var fit = CliTest.cli("curves", "fit", "--data", data(12, 0).toString(), "--agent-features", "log10_lr,clip", "--model", model.toString(),
                "--epochs", "20", "--members", "2", "--grid", "8", "--blend");
        assertThat(fit.code()).as(fit.err()).isZero();
        assertThat(fit.out()).contains("blend fit on");
        var mf = dev.orchard.engine.predict.CurveModelFiles.manifest(model);
        assertThat(mf.version()).isEqualTo(2);
        assertThat(mf.blend().components()).containsExactly("model", "power-law", "last-value");

        Path configs = tmp.resolve("configs.jsonl");
        Files.write(configs, List.of("{\"id\":\"b\",\"log10_lr\":-2,\"clip\":0.3}"));
        Path observed = tmp.resolve("observed.jsonl");
        Files.write(observed, List.of("{\"id\":\"b\",\"timesteps\":[1000,2000,3000,4000,5000],\"returns\":[0.5,1.0,1.4,1.6,1.8]}"));
        Path out = tmp.resolve("pred.jsonl");
        var predict = CliTest.cli("curves", "predict", "--model", model.toString(), "--configs", configs.toString(), "--observed",
                observed.toString(), "--out", out.toString());
        assertThat(predict.code()).as(predict.err()).isZero();
        var b = dev.orchard.engine.json.Json.read(Files.readAllLines(out).get(0));
        // what the CLI wrote is the blended forecast of the loaded model
        try (var m = dev.orchard.engine.predict.CurveModelFiles.load(model)) {
            var p = m.prepared();
            var config = java.util.Map.<String, Object>of("log10_lr", -2.0, "clip", 0.3);
            var run = new dev.orchard.engine.predict.CurveRun("b", p.normaliser().resolve(""), "", config,
                    new double[]{1000, 2000, 3000, 4000, 5000}, new double[]{0.5, 1.0, 1.4, 1.6, 1.8});
            var row = p.row(run);
            var blended = p.toPrediction("b", run.env(), m.predict(row), row.curve());
            var alone = p.toPrediction("b", run.env(), m.alone().predict(row), row.curve());
            boolean differs = false;
            for (int i = 0; i < 8; i++) {
                assertThat(b.get("mean").get(i).asDouble()).isCloseTo(blended.mean()[i], org.assertj.core.data.Offset.offset(1e-9));
                assertThat(b.get("upper").get(i).asDouble()).isCloseTo(blended.upper()[i], org.assertj.core.data.Offset.offset(1e-9));
                assertThat(b.get("lower").get(i).asDouble()).isLessThanOrEqualTo(b.get("mean").get(i).asDouble());
                differs |= Math.abs(blended.mean()[i] - alone.mean()[i]) > 1e-9 || Math.abs(blended.upper()[i] - alone.upper()[i]) > 1e-9;
            }
            assertThat(differs).as("the blend changes the forecast of a partly observed curve").isTrue();
        }
        var eval = CliTest.cli("curves", "eval", "--model", model.toString(), "--data", data(6, 1).toString());
        assertThat(eval.code()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("vae-ensemble", "vae-alone", "power-law", "50%");
    }

    /** {@code curves fit --experiment ID}: a model trained on a stored sweep's trials (parameters + metric series). */
    @Test
    void fitFromAStoredExperiment() throws Exception {
        String db = tmp.resolve("history").toString();
        long id;
        try (var o = dev.orchard.engine.experiment.Orchard.open(Path.of(db))) {
            var spec = dev.orchard.engine.json.Specs.parse("""
                    {"format": "orchard.experiment/1", "name": "stored",
                     "space": {"params": [{"name": "lr", "type": "log_uniform", "low": 1e-4, "high": 1e-1},
                                          {"name": "act", "type": "choice", "values": ["relu", "tanh"]}]},
                     "optimizer": "random", "scheduler": {"type": "sync_batch", "batch_size": 4},
                     "objective": {"type": "command", "command": ["true"], "metric": "loss"},
                     "budget": 12, "seed": 3}
                    """, "stored.json");
            var sweep = o.start(spec, ctx -> {
                double lr = ((Number) ctx.params().get("lr")).doubleValue();
                double k = "relu".equals(ctx.params().get("act")) ? 1.0 : 0.7;
                double v = 0;
                for (int s = 1; s <= 15; s++) {
                    v = 1 + Math.log10(lr) / 4 * (1 - Math.exp(-k * s / 4.0));
                    ctx.report(s, java.util.Map.of("loss", v, "tokens", 100.0 * s));
                }
                return v;
            });
            sweep.await(java.time.Duration.ofSeconds(60)).orElseThrow();
            id = sweep.experimentId();
        }
        Path model = tmp.resolve("from-history");
        var fit = CliTest.cli("curves", "fit", "--db", db, "--experiment", String.valueOf(id), "--agent-features", "lr,act",
                "--curve", "loss", "--x", "tokens", "--model", model.toString(), "--epochs", "15", "--members", "2", "--grid", "8");
        assertThat(fit.code()).as(fit.err()).isZero();
        assertThat(fit.out()).contains("12 runs, 12 configurations", "features [lr, act]", "grid 8 points over x 100 .. 1500",
                "model written to " + model);
        var mf = dev.orchard.engine.predict.CurveModelFiles.manifest(model);
        assertThat(mf.curve()).isEqualTo("loss");
        assertThat(mf.x()).isEqualTo("tokens");
        assertThat(mf.features()).extracting(f -> f.name() + ":" + f.kind()).containsExactly("lr:LOG", "act:ONE_HOT");
        assertThat(mf.hyper().residual()).isTrue(); // the default
        assertThat(dev.orchard.engine.predict.CurveModelFiles.trainingRuns(model, mf)).hasSize(12);

        // the model predicts for configurations like the experiment's
        Path configs = tmp.resolve("cfg.jsonl");
        Files.write(configs, List.of("{\"id\":\"a\",\"lr\":0.001,\"act\":\"tanh\"}"));
        Path out = tmp.resolve("out.jsonl");
        var predict = CliTest.cli("curves", "predict", "--model", model.toString(), "--configs", configs.toString(), "--out", out.toString());
        assertThat(predict.code()).as(predict.err()).isZero();
        assertThat(dev.orchard.engine.json.Json.read(Files.readAllLines(out).get(0)).get("mean")).hasSize(8);

        // a manifest written before residual models existed (no "residual") reads as a plain model
        Path manifest = model.resolve("model.json");
        Files.writeString(manifest, Files.readString(manifest).replaceAll(",\\s*\"residual\"\\s*:\\s*true", ""));
        assertThat(Files.readString(manifest)).doesNotContain("residual");
        assertThat(dev.orchard.engine.predict.CurveModelFiles.manifest(model).hyper().residual()).isFalse();
        assertThat(CliTest.cli("curves", "predict", "--model", model.toString(), "--configs", configs.toString(), "--out",
                out.toString()).code()).isZero();

        // bad input names what is wrong
        var unknown = CliTest.cli("curves", "fit", "--db", db, "--experiment", "99", "--agent-features", "lr", "--curve", "loss",
                "--model", tmp.resolve("m2").toString());
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("experiment 99 is not in the database");
        var metric = CliTest.cli("curves", "fit", "--db", db, "--experiment", String.valueOf(id), "--agent-features", "lr",
                "--curve", "reward", "--model", tmp.resolve("m3").toString());
        assertThat(metric.code()).isEqualTo(2);
        assertThat(metric.err()).contains("no trial reported metric 'reward'");
        var feature = CliTest.cli("curves", "fit", "--db", db, "--experiment", String.valueOf(id), "--agent-features", "lr,depth",
                "--curve", "loss", "--model", tmp.resolve("m4").toString());
        assertThat(feature.code()).isEqualTo(2);
        assertThat(feature.err()).contains("trial 0: feature 'depth' is not a parameter of the trial");
        assertThat(tmp.resolve("m2")).doesNotExist();
    }

    /** {@code orchard show ID --predictions}: the latest forecast of each trial of a sweep that asked for them. */
    @Test
    void showPrintsStoredPredictions() throws Exception {
        String db = tmp.resolve("history").toString();
        long id;
        try (var o = dev.orchard.engine.experiment.Orchard.open(Path.of(db))) {
            var spec = dev.orchard.engine.json.Specs.parse("""
                    {"format": "orchard.experiment/1", "name": "predicted",
                     "space": {"params": [{"name": "x", "type": "uniform", "low": 0, "high": 1}]},
                     "optimizer": "random", "scheduler": {"type": "sync_batch", "batch_size": 2},
                     "objective": {"type": "command", "command": ["true"], "metric": "loss"},
                     "budget": 6, "seed": 3, "predict": {"every": 3, "min_trials": 2}}
                    """, "predicted.json");
            var sweep = o.start(spec, ctx -> {
                double x = ((Number) ctx.params().get("x")).doubleValue();
                double v = 0;
                for (int s = 1; s <= 12; s++) {
                    Thread.sleep(3);
                    v = x + (1 + x) * Math.exp(-s / 4.0);
                    ctx.report(s, java.util.Map.of("loss", v));
                }
                return v;
            });
            sweep.await(java.time.Duration.ofSeconds(60)).orElseThrow();
            id = sweep.experimentId();
        }
        var show = CliTest.cli("show", String.valueOf(id), "--db", db, "--predictions");
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.out()).contains("TRIAL", "FORECAST", "80 % BAND", "(drift)");
        assertThat(show.out().lines().filter(l -> l.endsWith("(drift)")).count()).isEqualTo(4); // trials 2-5 (after the first batch of 2 completed)
        var none = CliTest.cli("show", String.valueOf(id), "--db", db);
        assertThat(none.out()).doesNotContain("FORECAST");
    }
}
