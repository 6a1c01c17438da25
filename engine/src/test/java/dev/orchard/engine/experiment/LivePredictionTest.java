package dev.orchard.engine.experiment;

import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.execute.Objective;
import dev.orchard.engine.json.SpecException;
import dev.orchard.engine.json.Specs;
import dev.orchard.engine.predict.CurveModelFiles;
import dev.orchard.engine.predict.CurveRun;
import dev.orchard.engine.predict.CurveRuns;
import dev.orchard.engine.predict.Prepared;
import dev.orchard.engine.predict.VaeCurveModel;
import dev.orchard.engine.store.StoredPrediction;
import dev.orchard.engine.trial.ExperimentStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Live curve predictions of a real sweep's running trials: published as events, stored in H2 (V5), narrowing as the
 * trials report more; forecast from the sweep's completed trials or from a curve model trained in the test on a stored
 * sweep; a model that does not fit the experiment is rejected when the spec is validated.
 */
class LivePredictionTest {
    static final Duration LONG = Duration.ofSeconds(120);
    static final int STEPS = 30;

    @TempDir
    Path dir;
    Orchard orchard;
    final List<EngineEvent.CurvePrediction> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        orchard = Orchard.open(dir.resolve("history"));
        orchard.events().subscribe(e -> {
            if (e instanceof EngineEvent.CurvePrediction p) {
                events.add(p);
            }
        });
    }

    @AfterEach
    void close() {
        orchard.close();
    }

    static String spec(String name, String predict, int budget) {
        return """
                {"format": "orchard.experiment/1", "name": "%s",
                 "space": {"params": [{"name": "x", "type": "uniform", "low": 0, "high": 1}]},
                 "optimizer": "random", "scheduler": {"type": "sync_batch", "batch_size": 2},
                 "objective": {"type": "command", "command": ["true"], "metric": "loss"},
                 "budget": %d, "seed": 5, "direction": "minimize"%s}
                """.formatted(name, budget, predict == null ? "" : ", \"predict\": " + predict);
    }

    /** A loss curve falling from x + 1 + 2x towards x: configurations differ in how far they still have to fall. */
    static Objective curve() {
        return ctx -> {
            double x = ((Number) ctx.params().get("x")).doubleValue();
            double v = 0;
            for (int s = 1; s <= STEPS; s++) {
                if (ctx.stopRequested()) {
                    return v; // paused: no checkpoint, so a resumed trial starts over (its first report rewinds)
                }
                Thread.sleep(4);
                v = x + (1 + 2 * x) * Math.exp(-s / 8.0);
                ctx.report(s, java.util.Map.of("loss", v, "tokens", 1000.0 * s));
            }
            return v;
        };
    }

    static void checkShape(double[] x, double[] mean, double[] lower, double[] upper, long observed) {
        assertThat(x).isNotEmpty();
        for (int i = 0; i < x.length; i++) {
            assertThat(x[i]).isGreaterThan(observed);
            assertThat(lower[i]).isLessThanOrEqualTo(mean[i]);
            assertThat(upper[i]).isGreaterThanOrEqualTo(mean[i]);
            if (i > 0) {
                assertThat(x[i]).isGreaterThan(x[i - 1]);
            }
        }
    }

    @Test
    void driftForecastsOfRunningTrialsArePublishedStoredAndNarrow() throws Exception {
        ExperimentSpec spec = Specs.parse(spec("live", "{\"every\": 2, \"min_trials\": 3}", 10), "live.json");
        assertThat(spec.predict()).isEqualTo(new PredictSpec(null, 2, 3, null, null));
        Sweep sweep = orchard.start(spec, curve());
        assertThat(Specimens.finish(sweep, LONG)).isEqualTo(ExperimentStatus.COMPLETED);
        orchard.flush();
        long id = sweep.experimentId();

        // nothing is forecast before min_trials trials completed: the first batches (trials 0-3) get none
        assertThat(events).isNotEmpty().allSatisfy(e -> {
            assertThat(e.experimentId()).isEqualTo(id);
            assertThat(e.trial()).isGreaterThanOrEqualTo(4);
            assertThat(e.model()).isEqualTo("drift");
            assertThat(e.metric()).isEqualTo("loss");
            checkShape(e.x(), e.mean(), e.lower(), e.upper(), e.observedStep());
            assertThat(e.x()[e.x().length - 1]).isEqualTo(STEPS); // up to the end the completed trials reached
        });
        List<StoredPrediction> latest = orchard.latestPredictions(id);
        assertThat(latest).extracting(StoredPrediction::trial).containsExactly(4, 5, 6, 7, 8, 9);
        int stored = 0;
        for (StoredPrediction last : latest) {
            List<StoredPrediction> all = orchard.predictions(id, last.trial());
            stored += all.size();
            assertThat(all).hasSizeGreaterThanOrEqualTo(3);
            assertThat(all.get(all.size() - 1).observedStep()).isEqualTo(last.observedStep());
            all.forEach(p -> checkShape(p.x(), p.mean(), p.lower(), p.upper(), p.observedStep()));
            // the band at the last step narrows as the trial reports more: the earliest is wider than the latest
            assertThat(all.get(0).finalWidth()).isGreaterThan(2 * last.finalWidth());
            assertThat(all.get(0).observedPoints()).isLessThan(last.observedPoints());
            // the event and the row say the same
            var e = events.stream().filter(ev -> ev.trial() == last.trial() && ev.observedStep() == last.observedStep()).findFirst().orElseThrow();
            assertThat(last.mean()).containsExactly(e.mean());
            assertThat(last.upper()).containsExactly(e.upper());
        }
        assertThat(stored).isEqualTo(events.size());
        // a sweep without "predict" gets none
        Sweep plain = orchard.start(Specs.parse(spec("plain", null, 2), "plain.json"), curve());
        Specimens.finish(plain, LONG);
        assertThat(orchard.latestPredictions(plain.experimentId())).isEmpty();
    }

    /** A resumed sweep's predictor learns from the trials completed before the engine closed. */
    @Test
    void aResumedSweepForecastsFromTrialsCompletedBeforeIt() throws Exception {
        Sweep sweep = orchard.start(Specs.parse(spec("resumed", "{\"every\": 2, \"min_trials\": 3}", 8), "resumed.json"), curve());
        long id = sweep.experimentId();
        Specimens.awaitTrue("4 completed trials", LONG, () -> sweep.finishedTrials() >= 4);
        orchard.close(); // pauses the sweep
        orchard = Orchard.open(dir.resolve("history"));
        Sweep resumed = orchard.resume(id, curve());
        assertThat(Specimens.finish(resumed, LONG)).isEqualTo(ExperimentStatus.COMPLETED);
        orchard.flush();
        // trials 6 and 7 ran only after the resume, with 4 completed trials stored before it and 2 after
        assertThat(orchard.latestPredictions(id)).extracting(StoredPrediction::trial).contains(6, 7);
        for (int t : List.of(6, 7)) {
            orchard.predictions(id, t).forEach(p -> checkShape(p.x(), p.mean(), p.lower(), p.upper(), p.observedStep()));
        }
    }

    @Test
    void modelForecastsFromACurveModelTrainedOnAStoredSweep() throws Exception {
        // history: a sweep without predictions, its trials' loss series the training data
        Sweep history = orchard.start(Specs.parse(spec("history", null, 16), "history.json"), curve());
        Specimens.finish(history, LONG);
        var fields = new CurveRuns.Fields(List.of("x"), "loss", "step", "env");
        List<CurveRun> runs = CurveRuns.fromHistory(history.experimentId(), "history", orchard.trials(history.experimentId()),
                t -> orchard.metrics(history.experimentId(), t), fields);
        assertThat(runs).hasSize(16);
        Path model = dir.resolve("model");
        Prepared p = Prepared.fit(runs, List.of(), List.of("x"), 10, Optional.empty());
        try (VaeCurveModel m = VaeCurveModel.train(p, p.rows(runs), new VaeCurveModel.Hyper(1, 2, 16, 20, 16, 3e-3, 0.1, 5, 2, 0.5), 3,
                (member, epoch, loss) -> {
                })) {
            CurveModelFiles.save(m, fields, runs, model);
        }

        ExperimentSpec spec = Specs.parse(spec("with-model", "{\"model\": \"" + model + "\", \"every\": 3}", 4), "with-model.json");
        Sweep sweep = orchard.start(spec, curve());
        Specimens.finish(sweep, LONG);
        orchard.flush();
        List<StoredPrediction> latest = orchard.latestPredictions(sweep.experimentId());
        // a model needs no completed trials: every trial is forecast while it runs
        assertThat(latest).extracting(StoredPrediction::trial).containsExactly(0, 1, 2, 3);
        for (StoredPrediction last : latest) {
            assertThat(last.model()).isEqualTo(model.toAbsolutePath().normalize().toString());
            List<StoredPrediction> all = orchard.predictions(sweep.experimentId(), last.trial());
            assertThat(all).hasSizeGreaterThanOrEqualTo(3);
            all.forEach(q -> checkShape(q.x(), q.mean(), q.lower(), q.upper(), q.observedStep()));
            assertThat(all.get(0).x().length).isGreaterThan(last.x().length); // the rest of the curve gets shorter
        }
        assertThat(events).isNotEmpty();

        // a model whose x is a metric the trials report (tokens): forecasts are at later tokens, not steps
        var byTokens = new CurveRuns.Fields(List.of("x"), "loss", "tokens", "env");
        List<CurveRun> tokenRuns = CurveRuns.fromHistory(history.experimentId(), "history", orchard.trials(history.experimentId()),
                t -> orchard.metrics(history.experimentId(), t), byTokens);
        Path tokenModel = dir.resolve("token-model");
        Prepared tp = Prepared.fit(tokenRuns, List.of(), List.of("x"), 10, Optional.empty());
        try (VaeCurveModel m = VaeCurveModel.train(tp, tp.rows(tokenRuns), new VaeCurveModel.Hyper(1, 2, 16, 20, 16, 3e-3, 0.1, 5, 2, 0.5), 3,
                (member, epoch, loss) -> {
                })) {
            CurveModelFiles.save(m, byTokens, tokenRuns, tokenModel);
        }
        Sweep tokens = orchard.start(Specs.parse(spec("by-tokens", "{\"model\": \"" + tokenModel + "\", \"every\": 5}", 2),
                "by-tokens.json"), curve());
        Specimens.finish(tokens, LONG);
        orchard.flush();
        List<StoredPrediction> tokenForecasts = orchard.predictions(tokens.experimentId(), 0);
        assertThat(tokenForecasts).isNotEmpty().allSatisfy(q -> {
            checkShape(q.x(), q.mean(), q.lower(), q.upper(), 1000 * q.observedStep());
            assertThat(q.x()[q.x().length - 1]).isEqualTo(1000.0 * STEPS, org.assertj.core.data.Offset.offset(1e-6));
        });

        // the same model for an experiment over other parameters: rejected before anything runs, naming the feature
        String other = spec("other", "{\"model\": \"" + model + "\"}", 4).replace("\"name\": \"x\"", "\"name\": \"lr\"");
        assertThatThrownBy(() -> Specs.parse(other, "other.json"))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("$.predict.model")
                .hasMessageContaining("feature 'x' is not a parameter of this experiment");
        // a choice for a numeric feature
        String choice = spec("choice", "{\"model\": \"" + model + "\"}", 4).replace(
                "{\"name\": \"x\", \"type\": \"uniform\", \"low\": 0, \"high\": 1}", "{\"name\": \"x\", \"type\": \"choice\", \"values\": [\"a\", \"b\"]}");
        assertThatThrownBy(() -> Specs.parse(choice, "choice.json")).hasMessageContaining("feature 'x' is numeric");
    }

    @Test
    void aModelDirectoryFromAnotherVersionIsRejectedAtValidation() throws Exception {
        Path old = Files.createDirectories(dir.resolve("old-model"));
        Files.writeString(old.resolve("model.json"), "{\"format\": \"orchard-curve-model\", \"version\": 99, \"features\": []}");
        assertThatThrownBy(() -> Specs.parse(spec("old", "{\"model\": \"" + old + "\"}", 4), "old.json"))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("old.json")
                .hasMessageContaining("$.predict.model")
                .hasMessageContaining("field 'version' is 99, this Orchard reads versions 1 to 2");
        Path empty = Files.createDirectories(dir.resolve("not-a-model"));
        assertThatThrownBy(() -> Specs.parse(spec("none", "{\"model\": \"" + empty + "\"}", 4), "none.json"))
                .hasMessageContaining("$.predict.model").hasMessageContaining("no model.json");
        assertThatThrownBy(() -> Specs.parse(spec("every", "{\"every\": 0}", 4), "every.json"))
                .hasMessageContaining("$.predict.every");
        assertThatThrownBy(() -> Specs.parse(spec("unknown", "{\"evry\": 2}", 4), "unknown.json"))
                .hasMessageContaining("evry");
        // the predictive scheduler's model gets the same check
        String sched = spec("sched", null, 4).replace("{\"type\": \"sync_batch\", \"batch_size\": 2}",
                "{\"type\": \"predictive\", \"max_steps\": 30, \"model\": \"" + old + "\"}");
        assertThatThrownBy(() -> Specs.parse(sched, "sched.json"))
                .hasMessageContaining("$.scheduler.model").hasMessageContaining("version");
        assertThat(orchard.experiments()).isEmpty(); // nothing was stored
    }

    /**
     * A pipeline: explore (a sweep) → fit_curves (a model of its trials' curves) → exploit (a sweep whose running trials
     * are predicted by that model, wired to its curve_model input).
     */
    @Test
    void aFitCurvesStageFeedsTheNextSweepsLivePredictions() throws Exception {
        ExperimentSpec spec = Specs.parse("""
                {"format": "orchard.experiment/1", "name": "fit-then-predict",
                 "space": {"params": [{"name": "x1", "type": "uniform", "low": -5, "high": 10},
                                      {"name": "x2", "type": "uniform", "low": 0, "high": 15}]},
                 "objective": {"type": "builtin", "function": "branin", "curve_steps": 20, "delay_ms": 40},
                 "optimizer": "random", "scheduler": {"type": "sync_batch", "batch_size": 2}, "seed": 2, "budget": 12,
                 "pipeline": {"stages": [
                    {"name": "explore", "type": "sweep"},
                    {"name": "fit", "type": "fit_curves", "config": {"model": "curves-model", "epochs": 20, "members": 2, "grid": 10}},
                    {"name": "exploit", "type": "sweep", "config": {"budget": 4, "predict": {"every": 4}}}],
                  "edges": [{"from": "explore.result", "to": "fit.sweep"},
                            {"from": "fit.model", "to": "exploit.curve_model"},
                            {"from": "explore.result", "to": "exploit.warm_start"}]}}
                """, "fit-then-predict.json");
        var run = orchard.startPipeline(spec, dir);
        assertThat(run.await(LONG)).contains(ExperimentStatus.COMPLETED);
        orchard.flush();
        Path model = dir.resolve("curves-model");
        assertThat(CurveModelFiles.manifest(model).features()).extracting(f -> f.name()).containsExactly("x1", "x2");
        var children = orchard.children(run.experimentId());
        assertThat(children).hasSize(2);
        assertThat(orchard.latestPredictions(children.get(0).id())).isEmpty();
        List<StoredPrediction> exploit = orchard.latestPredictions(children.get(1).id());
        assertThat(exploit).extracting(StoredPrediction::trial).containsExactly(0, 1, 2, 3);
        assertThat(exploit).allSatisfy(p -> {
            assertThat(p.model()).isEqualTo(model.toString());
            assertThat(p.metric()).isEqualTo("value");
            checkShape(p.x(), p.mean(), p.lower(), p.upper(), p.observedStep());
        });
        // a fit_curves stage with a bad setting is an error naming it
        assertThatThrownBy(() -> Specs.parse("""
                {"format": "orchard.experiment/1", "name": "bad",
                 "space": {"params": [{"name": "x1", "type": "uniform", "low": -5, "high": 10}]},
                 "objective": {"type": "builtin", "function": "branin"}, "budget": 3,
                 "pipeline": {"stages": [{"name": "s", "type": "sweep"},
                                         {"name": "f", "type": "fit_curves", "config": {"model": "m", "members": 1}}],
                              "edges": [{"from": "s.result", "to": "f.sweep"}]}}
                """, "bad.json")).hasMessageContaining("config.members").hasMessageContaining("from 2 to 50");
    }
}
