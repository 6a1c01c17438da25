package dev.orchard.engine.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark runs every method on a small student (figures are the bench command's, not asserted here). */
class CurriculumBenchmarkTest {
    @Test
    void everyMethodRunsAndTheOracleBeatsUniform() {
        var setup = new CurriculumBenchmark.Setup(2, 2, 1, 1, 1, 3, 6, 2, 20_000);
        long oracle = 0;
        long uniform = 0;
        for (var m : CurriculumBenchmark.methods(2000)) {
            for (long seed = 0; seed < 2; seed++) {
                var r = CurriculumBenchmark.run(setup, m, seed);
                assertThat(r.reached()).as(m.name()).isTrue();
                assertThat(r.impossibleShare() + r.noisyShare() + r.trivialShare()).isBetween(0.0, 1.0);
                if (m.name().equals("oracle")) {
                    oracle += r.episodes();
                    assertThat(r.impossibleShare() + r.noisyShare() + r.trivialShare()).isZero();
                } else if (m.name().equals("uniform")) {
                    uniform += r.episodes();
                }
            }
        }
        assertThat(oracle).isLessThan(uniform);
    }

    private static long total(CurriculumBenchmark.Setup setup, String method, int seeds) {
        var m = CurriculumBenchmark.methods(10_000).stream().filter(x -> x.name().equals(method)).findFirst().orElseThrow();
        long sum = 0;
        for (long seed = 0; seed < seeds; seed++) {
            var r = CurriculumBenchmark.run(setup, m, seed);
            assertThat(r.reached()).as(method).isTrue();
            sum += r.episodes();
        }
        return sum;
    }

    /** Behaviour, not the bench's figures: learning progress needs clearly fewer episodes than uniform. */
    @Test
    void learningProgressBeatsUniformClearlyOnTheDefaultAndAHeldOutStudent() {
        var deflt = CurriculumBenchmark.Setup.DEFAULT;
        assertThat((double) total(deflt, "learning_progress", 6)).isLessThan(0.65 * total(deflt, "uniform", 6));
        var deep = CurriculumBenchmark.heldOut(200_000).get("deep");
        assertThat((double) total(deep, "learning_progress", 4)).isLessThan(0.65 * total(deep, "uniform", 4));
        // and the window rule beats the EMA rule it replaced
        assertThat(total(deflt, "learning_progress", 6)).isLessThan(total(deflt, "learning_progress:ema", 6));
    }

    /** The window of 30 (default) against the earlier 20 on the slow learner, whose rises a window of 20 barely spans. */
    @Test
    void theLongerDefaultWindowHelpsTheSlowLearner() {
        var slow = CurriculumBenchmark.heldOut(200_000).get("slow");
        assertThat((double) total(slow, "learning_progress", 6)).isLessThan(0.9 * total(slow, "learning_progress:w20", 6));
    }

    @Test
    void heldOutStudentsDifferAndTheirDistractorsAreCounted() {
        var h = CurriculumBenchmark.heldOut(50_000);
        assertThat(h).containsKeys("wide", "deep", "quick", "slow", "distracted", "clean", "skewed", "large");
        var clean = CurriculumBenchmark.run(h.get("clean"), CurriculumBenchmark.methods(1000).get(0), 1);
        assertThat(clean.impossibleShare() + clean.noisyShare() + clean.trivialShare()).isZero();
        var distracted = CurriculumBenchmark.run(h.get("distracted"), CurriculumBenchmark.methods(1000).get(0), 1);
        // uniform over 12 learnable and 36 distractors: about 3/4 of the episodes on distractors
        assertThat(distracted.impossibleShare() + distracted.noisyShare() + distracted.trivialShare()).isBetween(0.6, 0.9);
        var skewed = new CurriculumBenchmark.Student(h.get("skewed"), 3);
        var s = h.get("skewed");
        assertThat(skewed.p(s.learnable() + s.impossible())).isEqualTo(s.noiseP());
        assertThat(skewed.p(s.size() - 1)).isEqualTo(s.trivialP());
    }
}
