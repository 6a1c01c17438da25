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
        var c = new LearningProgress(tasks(4), opts(4, 5, 0), 2);
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < 40; i++) {
            c.update("k0", r.nextDouble() < 0.5 ? 1 : 0);       // pure noise
            c.update("k1", r.nextDouble() < i / 45.0 ? 1 : 0);  // learning fast
            c.update("k2", 0);                                  // impossible
            c.update("k3", 1);                                  // trivial
        }
        assertThat(c.learningProgress("k1")).isGreaterThan(c.learningProgress("k0"));
        double[] p = c.probabilities();
        assertThat(p[1]).isGreaterThan(p[0]).isGreaterThan(0);
        assertThat(java.util.Arrays.stream(p).sum()).isCloseTo(1, within(1e-12));
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
