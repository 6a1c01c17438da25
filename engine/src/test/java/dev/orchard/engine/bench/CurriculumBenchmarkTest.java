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
}
