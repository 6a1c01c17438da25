package dev.orchard.engine.experiment;

import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.execute.BuiltinFunctions;
import dev.orchard.engine.execute.Objective;
import dev.orchard.engine.json.Specs;
import dev.orchard.engine.pipeline.Pipeline;
import dev.orchard.engine.pipeline.PipelineException;
import dev.orchard.engine.store.ExperimentRecord;
import dev.orchard.engine.trial.ExperimentStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The original design's experiments as pipelines on a real H2 file: sweeps with Bayesian, ASHA and PBT strategies,
 * a curriculum, the hybrid experiment, an optimizer-optimizer; nesting, cache, pause and stop.
 */
class PipelineExperimentTest {
    @TempDir
    Path tmp;
    Orchard orchard;

    static final Objective BRANIN = t -> BuiltinFunctions.get("branin").apply(t.params());

    /** Reports a training-like curve (for ASHA and PBT), converging to branin. */
    static final Objective CURVE = t -> {
        double target = BuiltinFunctions.get("branin").apply(t.params());
        double v = Double.NaN;
        for (int step = 0; step < 9 && !t.stopRequested(); step++) {
            v = target + 10.0 / (step + 1);
            t.report(step, v);
        }
        return v;
    };

    @BeforeEach
    void open() {
        orchard = Orchard.open(tmp.resolve("history"));
    }

    @AfterEach
    void close() {
        orchard.close();
    }

    static ExperimentSpec spec(String name, String optimizer, String scheduler, int budget) {
        return Specs.parse("""
                {"format": "orchard.experiment/1", "name": "%s",
                 "space": {"params": [{"name": "x1", "type": "uniform", "low": -5, "high": 10},
                                      {"name": "x2", "type": "uniform", "low": 0, "high": 15}]},
                 "optimizer": {"name": "%s"}, "scheduler": %s,
                 "objective": {"type": "builtin", "function": "branin"}, "budget": %d, "seed": 3}
                """.formatted(name, optimizer, scheduler, budget), "test");
    }

    private Object runToEnd(PipelineExperiment p) throws InterruptedException {
        var end = p.await(Duration.ofSeconds(60));
        assertThat(end).as(() -> orchard.experiments().stream().map(e -> e.experiment().name() + ": "
                        + e.experiment().message().orElse("") + " " + orchard.trials(e.experiment().id()).stream()
                        .flatMap(t -> t.error().stream()).findFirst().orElse("")).toList().toString())
                .contains(ExperimentStatus.COMPLETED);
        return p.output().orElseThrow();
    }

    @Test
    void basicSweepsWithBayesianAshaAndPbtStrategies() throws Exception {
        var bayes = orchard.startPipeline(Experiments.sweep(spec("bo", "gp", "{\"type\":\"sync_batch\",\"batch_size\":4}", 12), BRANIN), null);
        SweepResult r = (SweepResult) runToEnd(bayes);
        assertThat(r.observations()).hasSize(12);
        List<ExperimentRecord> children = orchard.children(bayes.experimentId());
        assertThat(children).singleElement().satisfies(c -> {
            assertThat(c.parentId()).contains(bayes.experimentId());
            assertThat(c.status()).isEqualTo(ExperimentStatus.COMPLETED);
        });

        var asha = orchard.startPipeline(Experiments.sweep(spec("asha", "random", "{\"type\":\"asha\",\"max_steps\":9,\"grace\":1}", 12), CURVE), null);
        assertThat(((SweepResult) runToEnd(asha)).bestValue()).isFinite();
        var pbt = orchard.startPipeline(Experiments.sweep(spec("pbt", "random",
                "{\"type\":\"pbt\",\"population\":4,\"interval\":3,\"generations\":2}", 12), CURVE), null);
        runToEnd(pbt);
        assertThat(orchard.summary(orchard.children(pbt.experimentId()).get(0).id()).orElseThrow().completed()).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aCurriculumRunsASweepPerTaskWarmStartedFromTheOneBefore() throws Exception {
        var seen = new CopyOnWriteArrayList<Object>();
        Pipeline p = Experiments.curriculum(spec("curriculum", "tpe", "{\"type\":\"sync_batch\"}", 8), List.of(1, 2, 3), task -> t -> {
            seen.add(t.params().get("task"));
            return BRANIN.evaluate(t) * (Integer) task;
        });
        var run = orchard.startPipeline(p, null);
        SweepResult last = (SweepResult) runToEnd(run);
        assertThat(orchard.children(run.experimentId())).extracting(ExperimentRecord::name)
                .containsExactly("tasks/sweep[tasks=0]", "tasks/sweep[tasks=1]", "tasks/sweep[tasks=2]");
        assertThat(last.observations()).hasSize(24); // each task's search hands on what it knows
        assertThat(seen).containsOnly(1, 2, 3);
    }

    @Test
    void theHybridExperimentExploresExploitsRefinesAndValidates() throws Exception {
        var run = orchard.startPipeline(Experiments.hybrid(spec("hybrid", "random", "{\"type\":\"sync_batch\"}", 10), BRANIN,
                10, 10, 10, 3), null);
        ValidationResult v = (ValidationResult) runToEnd(run);
        assertThat(v.values()).hasSize(3);
        assertThat(v.mean()).isLessThan(5.0);
        assertThat(orchard.children(run.experimentId())).extracting(ExperimentRecord::name)
                .containsExactly("explore", "exploit", "refine", "validate");
    }

    @Test
    void theCurriculumSampleRunsALoopOfSweepsThenValidatesInAGroup() throws Exception {
        Path file = dev.orchard.engine.json.SampleProjects.sample("curriculum-pipeline", "experiment.json");
        var run = orchard.startPipeline(Specs.read(file), file.getParent());
        assertThat(run.await(Duration.ofSeconds(60))).contains(ExperimentStatus.COMPLETED);
        List<ExperimentRecord> children = orchard.children(run.experimentId());
        assertThat(children).extracting(ExperimentRecord::name)
                .containsExactly("tasks/train[tasks=0]", "tasks/train[tasks=1]", "tasks/train[tasks=2]", "check/validate");
        // each task's trials carry the task as a fixed parameter
        assertThat(orchard.trials(children.get(2).id())).allMatch(t -> "hard".equals(t.params().get("task")));
        assertThat(run.output()).get().isInstanceOf(ValidationResult.class);
    }

    @Test
    void anOptimizerOptimizerRunsInnerSweepsPerOuterTrial() throws Exception {
        ExperimentSpec spec = Specs.parse("""
                {"format": "orchard.experiment/1", "name": "meta",
                 "space": {"params": [{"name": "x1", "type": "uniform", "low": -5, "high": 10},
                                      {"name": "x2", "type": "uniform", "low": 0, "high": 15}]},
                 "objective": {"type": "builtin", "function": "branin"}, "seed": 1,
                 "pipeline": {"stages": [{"name": "tune_tpe", "type": "meta_sweep", "config": {
                    "inner_optimizer": "tpe", "inner_budget": 12, "inner_seeds": 2, "budget": 3,
                    "settings": {"params": [{"name": "n_startup_trials", "type": "int", "low": 2, "high": 8}]}},
                   "through": {"contract": "MetaResult", "hooks": {"checkpoint": true}}}]}}
                """, "meta.json");
        var run = orchard.startPipeline(spec, tmp);
        MetaResult m = (MetaResult) runToEnd(run);
        assertThat(m.bestSettings()).containsKey("n_startup_trials");
        ExperimentRecord outer = orchard.children(run.experimentId()).get(0);
        assertThat(orchard.children(outer.id())).hasSize(3 * 2); // two inner sweeps per outer trial, below it
        assertThat(m.bestScore()).isEqualTo(orchard.trials(outer.id()).stream()
                .mapToDouble(t -> t.value().orElseThrow()).min().orElseThrow());
    }

    @Test
    void aCachedStageIsNotRecomputedByASecondRunWithTheSameInput() throws Exception {
        AtomicInteger computed = new AtomicInteger();
        var cached = new CopyOnWriteArrayList<String>();
        try (AutoCloseable sub = orchard.events().subscribe(e -> {
            if (e instanceof EngineEvent.StageEvent s && s.kind().equals("cached")) {
                cached.add(s.stage());
            }
        })) {
            for (int i = 0; i < 2; i++) {
                Pipeline p = Pipeline.create("cache")
                        .stage("load", () -> List.of(1.0, 2.0, 3.0))
                        .stage("features", (List<Double> xs) -> {
                            computed.incrementAndGet();
                            return xs.stream().map(x -> x * x).toList();
                        })
                        .through(List.class, h -> h.cache())
                        .build();
                assertThat(runToEnd(orchard.startPipeline(p, null))).isEqualTo(List.of(1.0, 4.0, 9.0));
            }
        }
        assertThat(computed).hasValue(1);
        assertThat(cached).containsExactly("features");
    }

    @Test
    void pauseAndStopReachTheSweepsInside() throws Exception {
        Objective slow = t -> {
            Thread.sleep(30);
            return BRANIN.evaluate(t);
        };
        var run = orchard.startPipeline(Experiments.sweep(spec("slow", "random", "{\"type\":\"sync_batch\",\"batch_size\":2}", 400), slow), null);
        long deadline = System.currentTimeMillis() + 20_000;
        while (orchard.children(run.experimentId()).isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        run.pause();
        long child = orchard.children(run.experimentId()).get(0).id();
        deadline = System.currentTimeMillis() + 20_000;
        while (orchard.experiment(child).orElseThrow().status() != ExperimentStatus.PAUSED && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(orchard.experiment(child).orElseThrow().status()).isEqualTo(ExperimentStatus.PAUSED);
        assertThat(orchard.experiment(run.experimentId()).orElseThrow().status()).isEqualTo(ExperimentStatus.PAUSED);
        run.resume();
        run.stop();
        assertThat(run.await(Duration.ofSeconds(30))).contains(ExperimentStatus.STOPPED);
        assertThat(orchard.experiment(child).orElseThrow().status()).isEqualTo(ExperimentStatus.STOPPED);
        assertThat(orchard.summary(child).orElseThrow().trials()).isLessThan(400);
    }

    @Test
    void badPipelineSpecsNameTheStageAndTheJsonPath() {
        String base = """
                {"format": "orchard.experiment/1", "name": "bad",
                 "space": {"params": [{"name": "x1", "type": "uniform", "low": -5, "high": 10},
                                      {"name": "x2", "type": "uniform", "low": 0, "high": 15}]},
                 "objective": {"type": "builtin", "function": "branin"}, "budget": 5,
                 "pipeline": %s}
                """;
        assertThatThrownBy(() -> Specs.parse(base.formatted("{\"stages\": [{\"name\": \"a\", \"type\": \"swep\"}]}"), "x.json"))
                .hasMessageContaining("x.json: $.pipeline.stages[0].type: stage 'a': unknown stage type 'swep'; known:")
                .hasMessageContaining("sweep");
        assertThatThrownBy(() -> Specs.parse(base.formatted("{\"stages\": [{\"name\": \"m\", \"type\": \"meta_sweep\", \"config\": {\"budget\": 2}}]}"), "x.json"))
                .hasMessageContaining("$.pipeline.stages[0].config.inner_optimizer: stage 'm': missing required setting");
        assertThatThrownBy(() -> Specs.parse(base.formatted("{\"stages\": [{\"name\": \"a\", \"type\": \"sweep\"}, {\"name\": \"a\", \"type\": \"sweep\"}]}"), "x.json"))
                .hasMessageContaining("duplicate stage name 'a'");
        assertThatThrownBy(() -> Specs.parse(base.formatted("""
                {"stages": [{"name": "a", "type": "sweep"}, {"name": "b", "type": "sweep"}],
                 "edges": [{"from": "a.result", "to": "b.warm_start"}, {"from": "b.result", "to": "a.warm_start"}]}"""), "x.json"))
                .hasMessageContaining("cycle through a → b");
        assertThatThrownBy(() -> Specs.parse(base.formatted("""
                {"stages": [{"name": "a", "type": "sweep", "through": {"contract": "ValidationResult"}},
                            {"name": "b", "type": "validate_best"}]}"""), "x.json"))
                .hasMessageContaining("$.pipeline.stages[0].through")
                .hasMessageContaining("stage 'a'")
                .hasMessageContaining("gives SweepResult")
                .hasMessageContaining("ValidationResult");
        assertThatThrownBy(() -> Specs.parse(base.formatted("{\"stages\": [{\"name\": \"a\", \"type\": \"sweep\", \"config\": {\"budget\": \"ten\"}}]}"), "x.json"))
                .hasMessageContaining("$.pipeline.stages[0].config.budget: stage 'a': must be an integer, got ten");
        assertThatThrownBy(() -> Specs.parse(base.formatted("{\"stages\": [{\"name\": \"a\", \"type\": \"sweep\", \"config\": {\"optimizer\": {\"name\": \"nope\"}}}]}"), "x.json"))
                .hasMessageContaining("$.pipeline.stages[0].config.optimizer").hasMessageContaining("nope");
        assertThatThrownBy(() -> Specs.parse(base.formatted("{\"stages\": [{\"name\": \"l\", \"type\": \"loop\", \"config\": {}, \"stages\": [{\"name\": \"a\", \"type\": \"sweep\"}]}]}"), "x.json"))
                .hasMessageContaining("$.pipeline.stages[0].config: stage 'l': a loop needs");
        assertThatThrownBy(() -> Specs.parse(base.formatted("{\"stages\": []}"), "x.json"))
                .hasMessageContaining("$.pipeline.stages").hasMessageContaining("non-empty");
    }

    @Test
    void aJavaPipelineWithAContractMismatchIsRefusedBeforeAnythingIsStored() {
        assertThatThrownBy(() -> Pipeline.create("mismatch")
                .node(Experiments.sweepNode("search", ctx -> spec("s", "random", "{\"type\":\"sync_batch\"}", 3), BRANIN))
                .through(ValidationResult.class)
                .build())
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("stage 'search'").hasMessageContaining("SweepResult").hasMessageContaining("ValidationResult");
        assertThat(orchard.experiments()).isEmpty();
    }
}
