package dev.orchard.engine.curriculum;

import dev.orchard.engine.json.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CurriculumDifficultyTest {
    static List<Task> tasks(int n) {
        return IntStream.range(0, n).mapToObj(i -> Task.of("i" + i, i < n / 2 ? "a" : "b")).toList();
    }

    static DifficultyBins.Options opts(int bins, DifficultyBins.Strategy s, boolean reference) {
        var d = DifficultyBins.Options.DEFAULTS;
        return new DifficultyBins.Options(bins, s, d.temperature(), d.ema(), d.initialDifficulty(), d.competenceThreshold(),
                d.initialCompetence(), 1000, reference);
    }

    @Test
    void quantileBinsAreEqualSizedAndTheReferenceEdgesAreReproduced() {
        assertThat(new DifficultyBins(tasks(100), opts(5, DifficultyBins.Strategy.UNIFORM, false), 1).binCounts())
                .containsExactly(20, 20, 20, 20, 20);
        assertThat(new DifficultyBins(tasks(100), opts(5, DifficultyBins.Strategy.UNIFORM, true), 1).binCounts())
                .containsExactly(1, 20, 20, 20, 39);
        assertThat(new DifficultyBins(tasks(7), opts(3, DifficultyBins.Strategy.UNIFORM, false), 1).binCounts())
                .containsExactly(3, 2, 2);
        assertThat(new DifficultyBins(tasks(2), opts(4, DifficultyBins.Strategy.UNIFORM, false), 1).binCounts())
                .containsExactly(1, 0, 1, 0);
    }

    @Test
    void binsFollowTheRankOfTheEmaDifficultyUnderRandomUpdates() {
        int n = 60;
        var c = new DifficultyBins(tasks(n), opts(6, DifficultyBins.Strategy.UNIFORM, false), 3);
        double[] ema = new double[n];
        boolean[] seen = new boolean[n];
        SplittableRandom r = new SplittableRandom(5);
        for (int step = 0; step < 3000; step++) {
            int i = r.nextInt(n);
            double score = r.nextInt(4) / 3.0;
            ema[i] = seen[i] ? ema[i] + 0.1 * (score - ema[i]) : score;
            seen[i] = true;
            c.update("i" + i, score);
            if (step % 500 == 499) {
                List<Integer> order = new ArrayList<>(IntStream.range(0, n).boxed().toList());
                order.sort(Comparator.<Integer>comparingDouble(k -> seen[k] ? 1 - ema[k] : 0.5).thenComparing(k -> k));
                for (int rank = 0; rank < n; rank++) {
                    assertThat(c.binOf("i" + order.get(rank))).as("rank %d", rank).isEqualTo(rank * 6 / n);
                    int k = order.get(rank);
                    assertThat(c.difficulty("i" + k)).isCloseTo(seen[k] ? 1 - ema[k] : 0.5, within(1e-12));
                }
            }
        }
        var st = c.stats();
        assertThat(st.tracked()).isEqualTo(n);
        assertThat(st.updates()).isEqualTo(3000);
        assertThat(st.difficultyMin()).isLessThanOrEqualTo(st.difficultyMean()).isLessThanOrEqualTo(st.difficultyMax());
    }

    @Test
    void aFirstRewardOfZeroIsARewardNotUnset() {
        var c = new DifficultyBins(tasks(4), opts(2, DifficultyBins.Strategy.UNIFORM, false), 1);
        c.update("i0", 0);
        c.update("i0", 1);
        assertThat(c.difficulty("i0")).isCloseTo(1 - 0.1, within(1e-12));
    }

    @Test
    void easyFirstIsALinearMixOfEasyBiasedAndUniform() {
        var c = new DifficultyBins(tasks(50), opts(5, DifficultyBins.Strategy.EASY_FIRST, false), 1);
        double[] p0 = c.binProbabilities(0, 100);
        double[] p1 = c.binProbabilities(100, 100);
        double[] mid = c.binProbabilities(30, 100);
        for (int b = 0; b < 5; b++) {
            assertThat(p1[b]).isCloseTo(0.2, within(1e-12));
            assertThat(mid[b]).isCloseTo(0.7 * p0[b] + 0.3 * p1[b], within(1e-12));
        }
        assertThat(p0[0]).isGreaterThan(p0[4]);
        var ref = new DifficultyBins(tasks(50), opts(5, DifficultyBins.Strategy.EASY_FIRST, true), 1);
        double[] r0 = ref.binProbabilities(0, 100);
        double[] r1 = ref.binProbabilities(100, 100);
        assertThat(ref.binProbabilities(30, 100)[0]).isNotCloseTo(0.7 * r0[0] + 0.3 * r1[0], within(1e-3));
    }

    @Test
    void competenceAdmitsTheEasiestBinsAndPrefersThoseNearTheThreshold() {
        var c = new DifficultyBins(tasks(100), opts(10, DifficultyBins.Strategy.COMPETENCE_BASED, false), 1);
        // items 0..49 solved always, 50..99 never: bins 0..4 expected reward 1, 5..9 reward 0
        for (int i = 0; i < 100; i++) {
            c.update("i" + i, i < 50 ? 1 : 0);
        }
        assertThat(c.competence(0, 1000)).isCloseTo(0.1, within(1e-12));
        assertThat(c.competence(1000, 1000)).isEqualTo(1.0);
        double t = 250;
        double expected = Math.sqrt(t * (1 - 0.01) / 1000 + 0.01);
        assertThat(c.competence(250, 1000)).isCloseTo(expected, within(1e-12));
        double[] early = c.binProbabilities(0, 1000);
        assertThat(early[0]).isEqualTo(1.0);
        double[] late = c.binProbabilities(1000, 1000);
        assertThat(late).hasSize(10);
        // every bin admitted; all are |r − 0.5| = 0.5 away from the threshold, so alike
        assertThat(late[0]).isCloseTo(late[9], within(1e-12));
        // make i90..i99 partly solved: their bin is now the one nearest the threshold
        for (int i = 90; i < 100; i++) {
            c.update("i" + i, 1);
            for (int k = 0; k < 6; k++) {
                c.update("i" + i, k % 2);
            }
        }
        double[] p = c.binProbabilities(1000, 1000);
        int best = 0;
        for (int b = 1; b < 10; b++) {
            best = p[b] > p[best] ? b : best;
        }
        // bin of i90..i99 (expected reward ≈ 0.3, 0.2 from θ; every other bin 0.5 from it)
        assertThat(best).isEqualTo(c.binOf("i95"));
        assertThat(c.binOf("i95")).isEqualTo(5);
        // the reference ignores the threshold: admitted bins alike
        var ref = new DifficultyBins(tasks(100), opts(10, DifficultyBins.Strategy.COMPETENCE_BASED, true), 1);
        double[] rp = ref.binProbabilities(1000, 1000);
        assertThat(rp[1]).isCloseTo(rp[5], within(1e-12));
    }

    @Test
    void sameSeedSameSamplesAndStateContinuesExactly() {
        var a = new DifficultyBins(tasks(30), opts(3, DifficultyBins.Strategy.EASY_FIRST, false), 9);
        var b = new DifficultyBins(tasks(30), opts(3, DifficultyBins.Strategy.EASY_FIRST, false), 9);
        List<String> sa = new ArrayList<>();
        List<String> sb = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            var x = a.sample(i, 200);
            sa.add(x.task().id() + "/" + x.bin().getAsInt());
            a.update(x.task().id(), (i % 3) / 2.0);
            var y = b.sample(i, 200);
            sb.add(y.task().id() + "/" + y.bin().getAsInt());
            b.update(y.task().id(), (i % 3) / 2.0);
            if (i == 100) {
                var c = new DifficultyBins(tasks(30), opts(3, DifficultyBins.Strategy.EASY_FIRST, false), 9);
                c.loadState(Json.read(Json.write(b.state())));
                b = c;
            }
        }
        assertThat(sb).isEqualTo(sa);
        assertThat(sa.stream().distinct().count()).isGreaterThan(10);
    }

    @Test
    void badInputIsRefusedAndChangesNothing() {
        var c = new DifficultyBins(tasks(5), opts(2, DifficultyBins.Strategy.UNIFORM, false), 1);
        c.update("i1", 0.5);
        String before = Json.write(c.state());
        assertThatThrownBy(() -> c.update("nope", 0.5)).isInstanceOf(CurriculumException.class).hasMessageContaining("unknown task 'nope'");
        assertThatThrownBy(() -> c.update("i1", Double.NaN)).hasMessageContaining("[0, 1], got NaN");
        assertThatThrownBy(() -> c.update("i1", 1.01)).hasMessageContaining("task 'i1'");
        assertThatThrownBy(() -> c.updateBatch(List.of(new Update("i2", 1), new Update("i3", -1)))).hasMessageContaining("i3");
        var wrongFormat = (com.fasterxml.jackson.databind.node.ObjectNode) Json.read(before);
        wrongFormat.put("format", "orchard.curriculum-state/0");
        assertThatThrownBy(() -> c.loadState(wrongFormat)).hasMessageContaining("another Orchard version");
        assertThatThrownBy(() -> c.loadState(Json.read("{\"format\":\"orchard.curriculum-state/1\",\"algorithm\":\"learning_progress\"}")))
                .hasMessageContaining("algorithm");
        assertThat(Json.write(c.state())).isEqualTo(before);
        assertThatThrownBy(() -> opts(0, DifficultyBins.Strategy.UNIFORM, false)).hasMessageContaining("bins must be at least 1");
        assertThatThrownBy(() -> new DifficultyBins(List.of(), opts(2, DifficultyBins.Strategy.UNIFORM, false), 1))
                .hasMessageContaining("at least one task");
    }
}
