package dev.orchard.engine.curriculum;

import dev.orchard.engine.json.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CurriculumProgressTest {
    static LearningProgress.Options opts(int pool, long minPresentations, double evictionRate) {
        var d = LearningProgress.Options.DEFAULTS;
        return new LearningProgress.Options(d.fast(), d.slow(), d.noise(), d.exploration(), d.temperature(), d.transform(),
                pool, minPresentations, evictionRate, 10, false);
    }

    static List<Task> tasks(int n) {
        return IntStream.range(0, n).mapToObj(i -> Task.of("k" + i, i % 2 == 0 ? "even" : "odd")).toList();
    }

    @Test
    void aTaskThatAlwaysScoresZeroIsSetAndAConstantTaskShowsNoProgress() {
        var c = new LearningProgress(tasks(3), opts(3, 5, 0), 1);
        for (int i = 0; i < 50; i++) {
            c.update("k0", 0);
            c.update("k1", 1);
        }
        var st = c.stats().tasks();
        assertThat(st.get(0).presentations()).isEqualTo(50);
        assertThat(st.get(0).fast()).isCloseTo(0, within(1e-12));
        assertThat(st.get(1).slow()).isCloseTo(1, within(1e-9));
        assertThat(st.get(2).fast()).isNull();
        assertThat(c.learningProgress("k0")).isZero();
        assertThat(c.learningProgress("k1")).isZero();
    }

    @Test
    void aLearningTaskGetsProgressAndMostSamplesOverNoise() {
        int learningAhead = 0;
        int sampledMost = 0;
        double[] meanP = new double[2];
        // 20 seeds: with 25 Bernoulli scores a task, a single run can mistake noise for progress; most must not
        for (long seed = 0; seed < 20; seed++) {
            var c = new LearningProgress(tasks(4), opts(4, 5, 0), seed);
            java.util.SplittableRandom r = new java.util.SplittableRandom(seed + 100);
            for (int i = 0; i < 25; i++) {
                c.update("k0", r.nextDouble() < 0.5 ? 1 : 0);       // pure noise
                c.update("k1", r.nextDouble() < i / 30.0 ? 1 : 0);  // learning, at 0.8 by the end
                c.update("k2", 0);                                  // impossible
                c.update("k3", 1);                                  // trivial
            }
            learningAhead += c.learningProgress("k1") > c.learningProgress("k0") ? 1 : 0;
            double[] p = c.probabilities();
            assertThat(java.util.Arrays.stream(p).sum()).isCloseTo(1, within(1e-12));
            sampledMost += p[1] > p[0] && p[1] > p[3] ? 1 : 0;
            meanP[0] += p[0] / 20;
            meanP[1] += p[1] / 20;
            assertThat(c.learningProgress("k2")).isZero();
            assertThat(c.learningProgress("k3")).isZero();
        }
        assertThat(learningAhead).isGreaterThanOrEqualTo(13);
        assertThat(sampledMost).isGreaterThanOrEqualTo(12);
        assertThat(meanP[1]).isGreaterThan(2 * meanP[0]);
    }

    /** Feeds scores to one task of a fresh curriculum and returns its LP. */
    private static double lpAfter(LearningProgress.Options o, double... scores) {
        var c = new LearningProgress(tasks(2), o, 1);
        for (double s : scores) {
            c.update("k0", s);
        }
        return c.learningProgress("k0");
    }

    /** {@code o} with another window. */
    static LearningProgress.Options window(LearningProgress.Options o, int w) {
        return new LearningProgress.Options(o.fast(), o.slow(), o.noise(), o.exploration(), o.temperature(), o.transform(),
                o.poolSize(), o.minPresentations(), o.evictionRate(), o.epochSize(), o.reference(), o.estimator(), w);
    }

    @Test
    void windowProgressIsTheShrunkSlopeCappedByTheRoomLeft() {
        var o = window(opts(2, 5, 0), 20);
        // unset: fewer than 3 scores give no slope
        assertThat(lpAfter(o, 0, 1)).isZero();
        // a clean rise over the window: slope 1/19 a presentation, no residuals: LP = 20/19 capped by the room left (0)
        double[] rise = new double[20];
        for (int i = 0; i < 20; i++) {
            rise[i] = i / 19.0;
        }
        assertThat(lpAfter(o, rise)).isCloseTo(0, within(1e-9));
        // half-way up: the fitted level at the window's end is 0.5, so LP = min(20 · 0.5/19, 0.5) = 0.5
        double[] half = new double[20];
        for (int i = 0; i < 20; i++) {
            half[i] = i / 38.0;
        }
        assertThat(lpAfter(o, half)).isCloseTo(0.5, within(1e-9));
        // a step up that has finished (mastered) shows no progress left; forgetting under way does
        double[] mastered = new double[20];
        double[] forgot = new double[20];
        for (int i = 0; i < 20; i++) {
            mastered[i] = i < 10 ? 0 : 1;
            forgot[i] = i < 10 ? 1 : 1 - 0.05 * (i - 9);        // falling, half-way down by the end
        }
        assertThat(lpAfter(o, mastered)).isZero();
        assertThat(lpAfter(o, forgot)).isPositive();
        // only the last `window` scores count: a long flat tail forgets an old rise
        double[] old = new double[60];
        for (int i = 0; i < 60; i++) {
            old[i] = i < 20 ? i / 38.0 : 0.5;
        }
        assertThat(lpAfter(o, old)).isZero();
    }

    @Test
    void theDefaultWindowIs30AndTheEarlierWindowOf20StaysSelectable() {
        assertThat(LearningProgress.Options.DEFAULTS.window()).isEqualTo(30);
        assertThat(CurriculumSpecs.progressOptions(Map.of("window", 20), "spec.json", "$.options"))
                .isEqualTo(LearningProgress.Options.WINDOW_20);
        assertThat(LearningProgress.Options.WINDOW_20).isEqualTo(window(LearningProgress.Options.DEFAULTS, 20));
    }

    /** Mean LP and the share of runs with LP > 0 after feeding one task Bernoulli scores of success p(i), i = 0..n−1. */
    private static double[] lpOf(LearningProgress.Options o, int n, java.util.function.IntToDoubleFunction p) {
        double mean = 0;
        double shown = 0;
        int runs = 400;
        for (long seed = 0; seed < runs; seed++) {
            var c = new LearningProgress(tasks(2), o, 1);
            java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
            for (int i = 0; i < n; i++) {
                c.update("k0", r.nextDouble() < p.applyAsDouble(i) ? 1 : 0);
            }
            mean += c.learningProgress("k0") / runs;
            shown += c.learningProgress("k0") > 0 ? 1.0 / runs : 0;
        }
        return new double[]{mean, shown};
    }

    @Test
    void aLongerWindowSeparatesASlowRiseFromNoiseBetter() {
        // the shrunk slope's noise, W·se, falls as 1/√W while a steady rise gains W·slope: with 30 scores rather than
        // 20, a slow learner (success 0.1 → 0.6 over its last 30 presentations) shows progress in more runs ...
        var w20 = window(opts(2, 5, 0), 20);
        var w30 = window(opts(2, 5, 0), 30);
        var slow20 = lpOf(w20, 30, i -> 0.1 + i / 60.0);
        var slow30 = lpOf(w30, 30, i -> 0.1 + i / 60.0);
        assertThat(slow30[1]).isGreaterThan(slow20[1] + 0.1);
        // ... and a stuck task (Bernoulli 0.25, the held-out student "skewed"'s noise) shows less of it
        var noise20 = lpOf(w20, 60, i -> 0.25);
        var noise30 = lpOf(w30, 60, i -> 0.25);
        assertThat(noise30[0]).isLessThan(noise20[0]);
        assertThat(noise30[0]).isLessThan(slow30[0] / 3);
    }

    @Test
    void explorationPrefersTasksNotSeenForLongWithRoomToLearn() {
        // k0 impossible, k1 noise, k2 trivial, k3 never updated: no task shows progress; the bonus decides
        var c = new LearningProgress(tasks(4), opts(4, 5, 0), 3);
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        for (int i = 0; i < 30; i++) {
            c.update("k2", 1);
            c.update("k1", r.nextDouble() < 0.5 ? 1 : 0);
            c.update("k0", 0);
        }
        double[] p = c.probabilities();
        assertThat(c.stats().tasks()).allSatisfy(t -> assertThat(t.learningProgress()).isZero());
        assertThat(p[3]).isGreaterThan(p[0]);  // never tried beats just tried
        assertThat(p[0]).isGreaterThan(p[1]);  // all to learn beats half
        assertThat(p[1]).isGreaterThan(p[2]);  // half beats nothing
        // staleness: after the impossible task is left alone for a while it overtakes the recently seen noise task
        for (int i = 0; i < 10; i++) {
            c.update("k1", r.nextDouble() < 0.5 ? 1 : 0);
            c.update("k2", 1);
        }
        double[] q = c.probabilities();
        assertThat(q[0] / q[1]).isGreaterThan(p[0] / p[1]);
    }

    @Test
    void theEmaRuleIsStillSelectableAndUnchanged() {
        var ema = CurriculumSpecs.progressOptions(Map.of("estimator", "ema"), "spec.json", "$.options");
        assertThat(ema).isEqualTo(LearningProgress.Options.EMA_RULE);
        assertThat(ema.noise()).isEqualTo(2.0);
        assertThat(ema.temperature()).isEqualTo(1.0);
        assertThat(CurriculumSpecs.progressOptions(Map.of(), "spec.json", "$.options")).isEqualTo(LearningProgress.Options.DEFAULTS);
        assertThat(CurriculumSpecs.progressOptions(Map.of("reference", true), "spec.json", "$.options").estimator())
                .isEqualTo(LearningProgress.Estimator.EMA);
        assertThatThrownBy(() -> CurriculumSpecs.progressOptions(Map.of("estimator", "median"), "spec.json", "$.options"))
                .hasMessageContaining("$.options.estimator").hasMessageContaining("window, ema");
        assertThatThrownBy(() -> CurriculumSpecs.progressOptions(Map.of("window", 2), "spec.json", "$.options"))
                .hasMessageContaining("window");
        // the EMA rule: LP = |fast − slow| − 2 noise SDs; a clean jump from 0 to 1 shows progress, a constant does not
        var c = new LearningProgress(tasks(2), ema, 1);
        for (int i = 0; i < 30; i++) {
            c.update("k0", i < 20 ? 0 : 1);
            c.update("k1", 1);
        }
        assertThat(c.learningProgress("k0")).isPositive();
        assertThat(c.learningProgress("k1")).isZero();
    }

    @Test
    void aStateWithoutWindowsLoadsAndTheWindowFillsAgain() {
        var c = new LearningProgress(tasks(2), opts(2, 5, 0), 1);
        for (int i = 0; i < 10; i++) {
            c.update("k0", i / 19.0);
        }
        var state = (com.fasterxml.jackson.databind.node.ObjectNode) Json.read(Json.write(c.state()));
        for (var e : state.withArray("pool")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) e).remove(List.of("recent", "last"));
        }
        var d = new LearningProgress(tasks(2), opts(2, 5, 0), 1);
        d.loadState(state);
        assertThat(d.learningProgress("k0")).isZero();
        for (int i = 10; i < 13; i++) {
            d.update("k0", i / 19.0);
        }
        assertThat(d.learningProgress("k0")).isPositive();
        ((com.fasterxml.jackson.databind.node.ObjectNode) state.withArray("pool").get(0)).putArray("recent").add(2);
        assertThatThrownBy(() -> d.loadState(state)).hasMessageContaining("pool[0].recent[0]");
    }

    @Test
    void theReferenceReweightingHasItsPoleNear47Percent() {
        assertThat(Math.abs(LearningProgress.reweight(0.4699))).isGreaterThan(1000);
        assertThat(LearningProgress.reweight(0.2)).isFinite();
    }

    @Test
    void fullPoolEvictsTheLowestProgressTaskWithEnoughPresentations() {
        var gen = new TaskGenerator.Single("s", Map.of("level", 1), 0);
        var c = new LearningProgress(gen, opts(3, 4, 1.0), 5);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(c.sample().task().id());
        }
        assertThat(ids).containsExactly("t0", "t1", "t2");
        // t0 constant (LP 0) with enough presentations; t1 learning; t2 too few presentations
        for (int i = 0; i < 10; i++) {
            c.update("t0", 1);
            c.update("t1", i < 5 ? 0 : 1);
        }
        c.update("t2", 0);
        var s = c.sample(); // eviction_rate 1: evicts t0, samples the new t3
        assertThat(s.task().id()).isEqualTo("t3");
        assertThat(c.tasks()).extracting(Task::id).containsExactlyInAnyOrder("t1", "t2", "t3");
        c.update("t0", 1); // a late result for an evicted task: ignored, counted
        var st = c.stats();
        assertThat(st.evictions()).isEqualTo(1);
        assertThat(st.staleUpdates()).isEqualTo(1);
        assertThat(st.labels().get("s").evictions()).isEqualTo(1);
        assertThatThrownBy(() -> c.update("t99", 1)).hasMessageContaining("unknown task 't99'");
    }

    @Test
    void generatorsAreDeterministicPerTaskNumber() {
        var bucketed = new TaskGenerator.Bucketed("maze", Map.of("size", new TaskGenerator.Values(List.of(8, 16, 32)),
                "density", new TaskGenerator.Span(0.1, 0.5, false), "walls", new TaskGenerator.Span(1, 4, true)), 0.1);
        var weighted = new TaskGenerator.Weighted(List.of(new TaskGenerator.Entry(3, bucketed),
                new TaskGenerator.Entry(1, new TaskGenerator.Single("plain", Map.of(), 0))));
        for (long k = 0; k < 50; k++) {
            assertThat(weighted.generate(k, 7)).isEqualTo(weighted.generate(k, 7));
            Task t = bucketed.generate(k, 7);
            assertThat((double) t.params().get("density")).isBetween(0.1, 0.5);
            assertThat((long) t.params().get("walls")).isBetween(1L, 4L);
            assertThat(t.params().get("size")).isIn(8, 16, 32);
        }
        long plain = IntStream.range(0, 400).filter(k -> weighted.generate(k, 7).label().equals("plain")).count();
        assertThat(plain).isBetween(60L, 140L);
        assertThat(IntStream.range(0, 20).mapToObj(k -> bucketed.generate(k, 7).params().get("size")).distinct().count()).isEqualTo(3);
    }

    @Test
    void giniOfSamplingCounts() {
        assertThat(LearningProgress.gini(new long[]{5, 5, 5, 5})).isZero();
        assertThat(LearningProgress.gini(new long[]{0, 0, 0, 8})).isCloseTo(0.75, within(1e-12));
        assertThat(LearningProgress.gini(new long[]{0, 0})).isZero();
    }

    @Test
    void sameSeedSameSamplesStateContinuesAndEpochsCount() {
        var gen = new TaskGenerator.Bucketed("b", Map.of("x", new TaskGenerator.Span(0, 1, false)), 0);
        var a = new LearningProgress(gen, opts(5, 3, 0.2), 11);
        LearningProgress b = new LearningProgress(gen, opts(5, 3, 0.2), 11);
        List<String> sa = new ArrayList<>();
        List<String> sb = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String x = a.sample().task().id();
            sa.add(x);
            a.update(x, (x.hashCode() + i) % 3 / 2.0);
            String y = b.sample().task().id();
            sb.add(y);
            b.update(y, (y.hashCode() + i) % 3 / 2.0);
            if (i == 150) {
                var c = new LearningProgress(gen, opts(5, 3, 0.2), 11);
                c.loadState(Json.read(Json.write(b.state())));
                b = c;
            }
        }
        assertThat(sb).isEqualTo(sa);
        assertThat(Json.write(b.stats())).isEqualTo(Json.write(a.stats()));
        var st = a.stats();
        assertThat(st.evictions()).isPositive();
        assertThat(st.epoch().epoch()).isEqualTo(30);
        assertThat(st.lastEpoch().updates()).isEqualTo(10);
        assertThat(st.gini()).isBetween(0.0, 1.0);
    }

    @Test
    void badInputIsRefusedAndABatchIsAllOrNothing() {
        var c = new LearningProgress(tasks(3), opts(3, 5, 0), 1);
        c.update("k0", 1);
        String before = Json.write(c.state());
        assertThatThrownBy(() -> c.update("zz", 0.5)).hasMessageContaining("unknown task 'zz'");
        assertThatThrownBy(() -> c.update("k0", Double.NaN)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> c.updateBatch(List.of(new Update("k1", 1), new Update("k2", 2)))).hasMessageContaining("k2");
        assertThat(Json.write(c.state())).isEqualTo(before);
        assertThatThrownBy(() -> new LearningProgress(List.of(), opts(1, 1, 0), 1)).hasMessageContaining("at least one task");
        var other = new LearningProgress(tasks(4), opts(4, 5, 0), 1);
        assertThatThrownBy(() -> other.loadState(Json.read(before))).hasMessageContaining("3 tasks, this curriculum 4");
    }
}
