package dev.orchard.app.history;

import dev.orchard.app.TestSpecs;
import dev.orchard.app.support.Async;
import dev.orchard.app.support.Messages;
import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.experiment.Sweep;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.Trial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ExperimentsViewModelTest {

    @Test
    void listsNewestFirstAndRefreshesOnStatusChanges(@TempDir Path tmp) throws Exception {
        try (Orchard orchard = Orchard.open(tmp.resolve("history"))) {
            AtomicLong now = new AtomicLong();
            ExperimentsViewModel vm = new ExperimentsViewModel(orchard, Async.direct(), new Messages(), now::get);
            vm.refresh().get();
            assertThat(vm.items()).isEmpty();
            assertThat(vm.loadedProperty().get()).isTrue();

            Sweep a = orchard.start(TestSpecs.sample(4, 1).withName("first"), tmp);
            a.await();
            Sweep b = orchard.start(TestSpecs.sample(6, 1).withName("second"), tmp);
            b.await();
            vm.onEvents(List.of(new EngineEvent.ExperimentStatusChanged(b.experimentId(), ExperimentStatus.COMPLETED, null)));
            assertThat(vm.items()).extracting(ExperimentItem::name).containsExactly("second", "first");
            ExperimentItem second = vm.items().get(0);
            assertThat(second.status()).isEqualTo(ExperimentStatus.COMPLETED);
            assertThat(second.trials()).isEqualTo(6);
            assertThat(second.best()).isPresent();
            assertThat(vm.item(a.experimentId())).hasValueSatisfying(i -> assertThat(i.trials()).isEqualTo(4));

            // trial events refresh at most every TRIAL_REFRESH
            Sweep c = orchard.start(TestSpecs.sample(2, 1).withName("third"), tmp);
            c.await();
            var trialEvent = List.of(new EngineEvent.TrialStarted(Trial.started(c.experimentId(), 0, Map.of(), Instant.now())));
            vm.onEvents(trialEvent);
            assertThat(vm.items()).hasSize(2);
            now.addAndGet(ExperimentsViewModel.TRIAL_REFRESH.toNanos());
            vm.onEvents(trialEvent);
            assertThat(vm.items()).hasSize(3);
            assertThat(vm.items().get(0).name()).isEqualTo("third");
        }
    }

    @Test
    void rowsOfRunningExperimentsFollowEventsAtOnce(@TempDir Path tmp) throws Exception {
        try (Orchard orchard = Orchard.open(tmp.resolve("history"))) {
            Sweep a = orchard.start(TestSpecs.sample(4, 1), tmp);
            a.await();
            ExperimentsViewModel vm = new ExperimentsViewModel(orchard, Async.direct(), new Messages(), () -> 0L);
            vm.refresh().get();
            ExperimentItem before = vm.item(a.experimentId()).orElseThrow();
            long id = a.experimentId();
            Trial t = Trial.started(id, 9, Map.of(), Instant.now());
            Trial better = t.finish(dev.orchard.engine.trial.TrialState.COMPLETED, java.util.OptionalDouble.of(-1.0), 0,
                    java.util.Optional.empty(), Instant.now());
            // (no status change among them: that would re-read the store, which never saw these made-up trials)
            List<EngineEvent> events = List.of(new EngineEvent.TrialStarted(t), new EngineEvent.TrialFinished(better));
            vm.onEvents(events);
            vm.onEvents(events); // applying the same events again changes nothing more
            ExperimentItem after = vm.item(id).orElseThrow();
            assertThat(after.trials()).isEqualTo(10);
            assertThat(after.best()).hasValue(-1.0);
            assertThat(before.best().getAsDouble()).isGreaterThan(-1.0);
        }
    }
}
