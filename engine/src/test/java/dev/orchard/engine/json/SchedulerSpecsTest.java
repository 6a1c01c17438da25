package dev.orchard.engine.json;

import dev.orchard.engine.experiment.ExperimentSpec;
import dev.orchard.engine.schedule.AshaScheduler;
import dev.orchard.engine.schedule.HyperbandScheduler;
import dev.orchard.engine.schedule.MedianStoppingScheduler;
import dev.orchard.engine.schedule.PbtScheduler;
import dev.orchard.engine.schedule.SchedulerContext;
import dev.orchard.engine.schedule.SchedulerSpec;
import dev.orchard.engine.schedule.Schedulers;
import dev.orchard.engine.schedule.SynchronousBatchScheduler;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Scheduler specs in experiment files: each type's settings, defaults, write-back, and errors that name the setting. */
class SchedulerSpecsTest {

    static String with(String scheduler) {
        return SpecsTest.VALID.replace("{\"type\": \"sync_batch\", \"batch_size\": 2}", scheduler);
    }

    static ExperimentSpec parse(String scheduler) {
        return SpecsTest.parse(with(scheduler));
    }

    static SchedulerContext context(ExperimentSpec s) {
        return new SchedulerContext(s.space(), s.direction(), s.seed(), s.budget());
    }

    @Test
    void everyTypeReadsBuildsAndWritesBackAsWritten() {
        String[] written = {
            "{\"type\":\"sync_batch\",\"batch_size\":2}",
            "{\"type\":\"asha\",\"parallel\":4,\"grace\":1,\"eta\":3.0,\"max_steps\":81,\"mode\":\"stop\"}",
            "{\"type\":\"asha\",\"max_steps\":27,\"mode\":\"promote\"}",
            "{\"type\":\"hyperband\",\"parallel\":2,\"grace\":3,\"eta\":2.0,\"max_steps\":48}",
            "{\"type\":\"median\",\"parallel\":4,\"grace\":5,\"min_trials\":5}",
            "{\"type\":\"pbt\",\"population\":8,\"interval\":5,\"generations\":10,\"quantile\":0.25,\"resample_probability\":0.25}",
        };
        Class<?>[] built = {SynchronousBatchScheduler.class, AshaScheduler.class, AshaScheduler.class, HyperbandScheduler.class,
                MedianStoppingScheduler.class, PbtScheduler.class};
        for (int i = 0; i < written.length; i++) {
            ExperimentSpec spec = parse(written[i]);
            assertThat(Json.write(spec.scheduler())).isEqualTo(written[i]);
            assertThat(Schedulers.create(spec.scheduler(), context(spec))).isInstanceOf(built[i]);
            ExperimentSpec again = Specs.parse(Specs.write(spec), "again");
            assertThat(again.scheduler()).isEqualTo(spec.scheduler());
        }
    }

    @Test
    void defaultsFillWhatIsLeftOut() {
        ExperimentSpec spec = parse("{\"type\":\"asha\",\"max_steps\":27}");
        var asha = (AshaScheduler) Schedulers.create(spec.scheduler(), context(spec));
        assertThat(asha.slots()).isEqualTo(1);
        assertThat(asha.rungSteps()).containsExactly(1, 4, 16); // grace 1, eta 4 (Ray Tune's and Optuna's default)
        spec = parse("{\"type\":\"pbt\",\"interval\":2,\"generations\":3}");
        var pbt = (PbtScheduler) Schedulers.create(spec.scheduler(), context(spec));
        assertThat(pbt.slots()).isEqualTo(8); // the default population, all at once
        assertThat(pbt.maxTrials()).isEqualTo(10); // min(8 × 3, the spec's budget of 10)
        assertThat(parse("{\"type\":\"median\"}").scheduler().batchSize()).isEqualTo(1); // other types read as 1 there
    }

    @Test
    void theOldSyncBatchFormStillReadsAsBefore() {
        assertThat(parse("{\"type\":\"sync_batch\",\"batch_size\":4}").scheduler()).isEqualTo(new SchedulerSpec("sync_batch", 4));
        assertThat(parse("{\"type\":\"sync_batch\"}").scheduler()).isEqualTo(SchedulerSpec.DEFAULT);
        assertThat(Json.write(SchedulerSpec.DEFAULT)).isEqualTo("{\"type\":\"sync_batch\",\"batch_size\":1}");
    }

    @Test
    void badSettingsNameTheirPath() {
        SpecsTest.rejects(with("{\"type\":\"asha\",\"eta\":1,\"max_steps\":9}"), "$.scheduler.eta", "must be greater than 1");
        SpecsTest.rejects(with("{\"type\":\"asha\",\"grace\":0,\"max_steps\":9}"), "$.scheduler.grace", "at least 1 step");
        SpecsTest.rejects(with("{\"type\":\"hyperband\",\"grace\":10,\"max_steps\":9}"), "$.scheduler.grace", "must not exceed max_steps (9)");
        SpecsTest.rejects(with("{\"type\":\"asha\"}"), "$.scheduler.max_steps", "missing");
        SpecsTest.rejects(with("{\"type\":\"asha\",\"max_steps\":9,\"mode\":\"halve\"}"), "$.scheduler.mode", "stop or promote");
        SpecsTest.rejects(with("{\"type\":\"pbt\",\"population\":1,\"interval\":1,\"generations\":1}"), "$.scheduler.population", "between 2 and 4096");
        SpecsTest.rejects(with("{\"type\":\"pbt\",\"interval\":1,\"generations\":1,\"quantile\":0.6}"), "$.scheduler.quantile", "(0, 0.5]");
        SpecsTest.rejects(with("{\"type\":\"pbt\",\"interval\":1,\"generations\":1,\"quantile\":0}"), "$.scheduler.quantile", "(0, 0.5]");
        SpecsTest.rejects(with("{\"type\":\"pbt\",\"generations\":1}"), "$.scheduler.interval", "missing");
        SpecsTest.rejects(with("{\"type\":\"median\",\"min_trials\":0}"), "$.scheduler.min_trials", "at least 1");
        SpecsTest.rejects(with("{\"type\":\"sync_batch\",\"batch_size\":5000}"), "$.scheduler.batch_size", "between 1 and 4096");
        SpecsTest.rejects(with("{\"type\":\"fifo\"}"), "$.scheduler.type", "unknown scheduler type 'fifo'; valid: sync_batch, asha, hyperband, median, pbt");
        SpecsTest.rejects(with("{\"type\":\"asha\",\"max_steps\":9,\"population\":4}"), "$.scheduler.population",
                "not a setting of asha; asha takes parallel, grace, eta, max_steps, mode");
        SpecsTest.rejects(with("{\"type\":\"sync_batch\",\"parallel\":4}"), "$.scheduler.parallel", "sync_batch takes batch_size");
        SpecsTest.rejects(with("{\"type\":\"asha\",\"max_steps\":9,\"gracee\":4}"), "$.scheduler.gracee", "unknown property 'gracee'");
        SpecsTest.rejects(with("{\"type\":\"asha\",\"max_steps\":9.5}"), "$.scheduler.max_steps", "integer");
    }
}
