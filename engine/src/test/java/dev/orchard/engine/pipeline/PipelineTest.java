package dev.orchard.engine.pipeline;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pipeline model and its interpreter, without an engine: contracts, hooks, loops, recovery. */
class PipelineTest {
    record Suggestions(List<Map<String, Double>> trials) {
    }

    record Results(List<Double> values) {
    }

    record Best(double value) {
    }

    static Suggestions suggest() {
        return new Suggestions(List.of(Map.of("x", 1.0), Map.of("x", 2.0), Map.of("x", 3.0)));
    }

    static Results train(Suggestions s) {
        return new Results(s.trials().stream().map(t -> t.get("x") * t.get("x")).toList());
    }

    static Best evaluate(Results r) {
        return new Best(r.values().stream().mapToDouble(Double::doubleValue).min().orElseThrow());
    }

    private static Object run(Pipeline p) {
        return new PipelineRun(p, PipelineRun.Options.inMemory()).run(Map.of()).output().orElseThrow();
    }

    @Test
    void aTypedChainRunsWithItsHooks() {
        var log = new ArrayList<String>();
        Pipeline p = Pipeline.create("basic")
                .stage("suggest", PipelineTest::suggest)
                .through(Suggestions.class, h -> h
                        .before(d -> log.add("generating " + d.trials().size()))
                        .validate(d -> !d.trials().isEmpty())
                        .after(d -> log.add("trained " + d.trials().size())))
                .stage("train", Suggestions.class, Results.class, (s, ctx) -> train(s))
                .through(Results.class)
                .stage("evaluate", PipelineTest::evaluate)
                .through(Best.class)
                .build();
        assertThat(run(p)).isEqualTo(new Best(1.0));
        assertThat(log).containsExactly("generating 3", "trained 3");
    }

    @Test
    void aContractMismatchFailsAtBuildNamingBothStagesAndTypes() {
        assertThatThrownBy(() -> Pipeline.create("bad")
                .stage("suggest", PipelineTest::suggest)
                .through(Suggestions.class)
                .stage("evaluate", Results.class, Best.class, (r, ctx) -> evaluate(r))
                .build())
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("stage 'evaluate'")
                .hasMessageContaining("stage 'suggest'")
                .hasMessageContaining("Results")
                .hasMessageContaining("Suggestions");
    }

    @Test
    void dataThatBreaksTheContractAtRunTimeFailsTheStageThatMadeIt() {
        Pipeline p = Pipeline.create("liar")
                .stage("suggest", () -> (Object) "not suggestions")
                .through(Suggestions.class)
                .stage("train", (Suggestions s) -> train(s))
                .build();
        assertThatThrownBy(() -> run(p)).isInstanceOf(PipelineFailedException.class)
                .hasMessageContaining("stage 'suggest' broke its contract")
                .hasMessageContaining("expected Suggestions, got String");
    }

    @Test
    void nullsAndNaNsInsideRecordsAreContractBreaks() {
        Pipeline p = Pipeline.create("nan")
                .stage("train", () -> new Results(java.util.Arrays.asList(1.0, Double.NaN)))
                .through(Results.class)
                .build();
        assertThatThrownBy(() -> run(p)).hasMessageContaining("values[1]: expected number, got NaN");
    }

    @Test
    void namedSlotsTakeARecordWithThoseFields() {
        Pipeline p = Pipeline.create("slots")
                .stage("suggest", PipelineTest::suggest)
                .through(DataType.slots("trials", DataType.listOf(DataType.of(Map.class))), h -> { })
                .stage("count", (Map<String, Object> slots) -> ((List<?>) slots.get("trials")).size())
                .build();
        assertThat(run(p)).isEqualTo(3);
        assertThatThrownBy(() -> Pipeline.create("slots-bad")
                .stage("suggest", Void.class, Suggestions.class, (v, c) -> suggest())
                .through(DataType.slots("results", DataType.listOf(DataType.NUMBER)), h -> { })
                .buildUnchecked().checked())
                .hasMessageContaining("needs field 'results'");
    }

    @Test
    void retriesWithBackoffThenRecovers() {
        AtomicInteger calls = new AtomicInteger();
        Pipeline p = Pipeline.create("flaky")
                .stage("train", () -> {
                    if (calls.incrementAndGet() < 3) {
                        throw new IllegalStateException("GPU fell off the bus");
                    }
                    return new Results(List.of(0.5));
                })
                .through(Results.class, h -> h.retry(3, Duration.ofMillis(10)))
                .build();
        assertThat(run(p)).isEqualTo(new Results(List.of(0.5)));
        assertThat(calls).hasValue(3);
    }

    @Test
    void onErrorRecoversSkipsOrRethrows() {
        Pipeline recover = Pipeline.create("r")
                .stage("train", () -> {
                    throw new IllegalStateException("boom");
                })
                .through(Results.class, h -> h.onError(f -> Recovery.recover(new Results(List.of()))))
                .build();
        assertThat(run(recover)).isEqualTo(new Results(List.of()));

        var seen = new ArrayList<StageFailure>();
        Pipeline skip = Pipeline.create("s")
                .stage("train", () -> {
                    throw new IllegalStateException("boom");
                })
                .through(Results.class, h -> h.onError(f -> {
                    seen.add(f);
                    return Recovery.skip();
                }))
                .stage("evaluate", PipelineTest::evaluate)
                .build();
        PipelineRun.Result r = new PipelineRun(skip, PipelineRun.Options.inMemory()).run(Map.of());
        assertThat(r.output()).isEmpty();
        assertThat(r.skipped()).containsExactly("train", "evaluate");
        assertThat(seen.get(0).message()).contains("boom");

        Pipeline rethrow = Pipeline.create("t")
                .stage("train", () -> {
                    throw new IllegalStateException("boom");
                })
                .through(Results.class, h -> h.retry(1, Duration.ZERO).onError(f -> Recovery.rethrow()))
                .build();
        assertThatThrownBy(() -> run(rethrow)).isInstanceOf(PipelineFailedException.class)
                .hasMessageContaining("after 2 attempts").hasMessageContaining("boom");
    }

    @Test
    void aStageThatHangsTimesOut() {
        Pipeline p = Pipeline.create("hang")
                .stage("train", () -> {
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return new Results(List.of());
                })
                .through(Results.class, h -> h.timeout(Duration.ofMillis(200)))
                .build();
        assertThatThrownBy(() -> run(p)).hasMessageContaining("timed out").hasMessageContaining("0.2 s");
    }

    @Test
    void aValidationFailureIsRetriedLikeAnError() {
        AtomicInteger calls = new AtomicInteger();
        Pipeline p = Pipeline.create("v")
                .stage("suggest", () -> new Suggestions(calls.incrementAndGet() == 1 ? List.of() : List.of(Map.of("x", 1.0))))
                .through(Suggestions.class, h -> h.validate(s -> !s.trials().isEmpty(), "no trials").retry(2, Duration.ZERO))
                .build();
        assertThat(((Suggestions) run(p)).trials()).hasSize(1);
    }

    @Test
    void loopsCarryTheirValueAndSeeVariables() {
        Pipeline p = Pipeline.create("loop")
                .stage("start", () -> 1)
                .through(Integer.class)
                .loopWhile("double", vars -> vars.getOrDefault("round", 0) < 5)
                .stage("twice", (Integer x, StageContext ctx) -> {
                    ctx.put("round", ctx.loopIndex() + 1);
                    return x * 2;
                })
                .through(Integer.class)
                .endLoop()
                .build();
        assertThat(run(p)).isEqualTo(32);
    }

    @Test
    void aLoopThatNeverEndsHitsItsLimit() {
        Pipeline p = Pipeline.create("forever")
                .stage("start", () -> 1)
                .loopWhile("spin", vars -> true).maxIterations(50)
                .stage("same", (Object x) -> x)
                .endLoop()
                .build();
        assertThatThrownBy(() -> run(p)).hasMessageContaining("loop ran 50 iterations");
    }

    @Test
    void globalHooksAndReusableSetsReachEveryStage() {
        var seen = new ArrayList<String>();
        HookSet debug = h -> h.before(d -> seen.add("data " + d));
        HookSet production = h -> h.retry(2, Duration.ZERO).checkpoint();
        AtomicInteger fails = new AtomicInteger();
        Pipeline p = Pipeline.create("hooks")
                .stage("a", () -> 1)
                .stage("b", (Integer x) -> {
                    if (fails.incrementAndGet() == 1) {
                        throw new IllegalStateException("once");
                    }
                    return x + 1;
                })
                .withGlobalHooks(g -> g.before((stage, in) -> seen.add("before " + stage)).after((stage, out) -> seen.add("after " + stage))
                        .use(debug).use(production))
                .build();
        assertThat(run(p)).isEqualTo(2);
        assertThat(seen).containsExactly("before a", "after a", "data 1", "before b", "after b", "data 2");
    }

    @Test
    void cyclesUnknownPortsAndDoubleInputsAreReported() {
        Stage id = (in, ctx) -> Map.of(Port.OUT, in.get(Port.IN));
        List<Port> ins = List.of(Port.of(Port.IN, DataType.ANY));
        List<Port> outs = List.of(Port.of(Port.OUT, DataType.ANY));
        var a = new Node.StageNode("a", "java", id, ins, outs, Map.of(), "$.stages[0]");
        var b = new Node.StageNode("b", "java", id, ins, outs, Map.of(), "$.stages[1]");
        Graph cyclic = new Graph(List.of(a, b), List.of(
                new Edge("a", "out", "b", "in", DataType.ANY, new Hooks<>(), "$.edges[0]"),
                new Edge("b", "out", "a", "in", DataType.ANY, new Hooks<>(), "$.edges[1]")));
        var problems = new Pipeline("c", cyclic, DataType.ANY, new GlobalHooks()).validate();
        assertThat(problems).extracting(PipelineException.Problem::toString).anyMatch(s -> s.contains("cycle through a → b"));

        Graph wrong = new Graph(List.of(a, a), List.of(new Edge("a", "result", "zz", "in", DataType.ANY, new Hooks<>(), "$.edges[0]")));
        var msgs = new Pipeline("w", wrong, DataType.ANY, new GlobalHooks()).validate().stream().map(Object::toString).toList();
        assertThat(msgs).anyMatch(s -> s.contains("duplicate stage name 'a'"))
                .anyMatch(s -> s.contains("$.edges[0]: stage 'a': has no output port 'result'"))
                .anyMatch(s -> s.contains("unknown stage 'zz'"));
    }

    @Test
    void contractsParseFromTheirJsonSyntax() {
        DataTypes.register(Suggestions.class);
        assertThat(DataTypes.parse("list[number]")).isEqualTo(DataType.listOf(DataType.NUMBER));
        assertThat(DataTypes.parse("(trials=list[dict], best=number)").toString()).isEqualTo("(trials=list[dict], best=number)");
        assertThat(DataTypes.parse("Suggestions")).isEqualTo(DataType.of(Suggestions.class));
        assertThatThrownBy(() -> DataTypes.parse("list[Nope]")).hasMessageContaining("unknown type 'Nope'");
        assertThatThrownBy(() -> DataTypes.parse("list[number")).hasMessageContaining("expected ']'");
        assertThat(DataType.NUMBER.acceptFrom(DataType.INTEGER)).isEmpty();
        assertThat(DataType.INTEGER.acceptFrom(DataType.NUMBER)).isPresent();
        assertThat(DataType.listOf(DataType.NUMBER).check(List.of(1, 2.5))).isEmpty();
        assertThat(DataType.listOf(DataType.INTEGER).check(List.of(1, 2.5))).containsExactly("[1]: expected integer, got Double 2.5");
    }
}
