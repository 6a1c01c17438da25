package dev.orchard.app.sweep;

import dev.orchard.app.TestSpecs;
import dev.orchard.app.support.Async;
import dev.orchard.app.support.Messages;
import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.experiment.ExperimentSpec;
import dev.orchard.engine.experiment.Orchard;
import dev.orchard.engine.json.ArchiveJson;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.Trial;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/** The run view-model without a stage: commands, enabled flags and event batches, all on the test thread. */
class RunViewModelTest {
    @TempDir
    Path tmp;
    private Orchard orchard;
    private final Messages messages = new Messages();
    private final ConcurrentLinkedQueue<EngineEvent> published = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void open() {
        orchard = Orchard.open(tmp.resolve("history"));
        orchard.events().subscribe(published::add);
    }

    @AfterEach
    void close() throws InterruptedException {
        // Let sweeps end on their own (closing stops them; older engines could lose a batch stopped as it launched).
        for (var sweep : orchard.activeSweeps()) {
            sweep.await(Duration.ofSeconds(20));
        }
        orchard.close();
    }

    private LoadedSpec spec(int budget, long delayMs) {
        return new LoadedSpec(TestSpecs.sample(budget, delayMs), tmp, Optional.empty());
    }

    /** What the pump would do: hands everything published so far to the view-model as one batch. */
    private void pump(RunViewModel vm) {
        List<EngineEvent> batch = new ArrayList<>();
        for (EngineEvent e; (e = published.poll()) != null; ) {
            batch.add(e);
        }
        vm.onEvents(batch);
    }

    private void flags(RunViewModel vm, boolean start, boolean pause, boolean resume, boolean stop) {
        assertThat(List.of(vm.canStartProperty().get(), vm.canPauseProperty().get(), vm.canResumeProperty().get(),
                vm.canStopProperty().get())).as("start, pause, resume, stop enabled").containsExactly(start, pause, resume, stop);
    }

    @Test
    void enabledFlagsFollowTheSweepStatus() {
        RunViewModel vm = new RunViewModel(orchard, Async.direct(), messages);
        flags(vm, false, false, false, false);
        assertThat(vm.specNameProperty().get()).isEqualTo("No spec loaded");
        assertThat(vm.canExportProperty().get()).isFalse();

        vm.load(spec(8, 1));
        assertThat(vm.specNameProperty().get()).isEqualTo("branin-quickstart");
        assertThat(vm.specSummaryProperty().get()).contains("auto", "8 trials", "minimize");
        assertThat(vm.statusTextProperty().get()).isEqualTo("Ready");
        flags(vm, true, false, false, false);

        vm.start();
        long id = vm.activeIdProperty().get();
        assertThat(id).isPositive();
        assertThat(vm.displayedIdProperty().get()).isEqualTo(id);
        assertThat(vm.budgetProperty().get()).isEqualTo(8);
        assertThat(vm.parameterNames()).containsExactly("x1", "x2");
        flags(vm, false, true, false, true);

        // The status as the engine reports it (synthetic events: the sweep's own are not pumped in this test).
        vm.onEvents(List.of(new EngineEvent.ExperimentStatusChanged(id, ExperimentStatus.RUNNING, null)));
        flags(vm, false, true, false, true);
        assertThat(vm.statusTextProperty().get()).isEqualTo("Running");
        vm.onEvents(List.of(new EngineEvent.ExperimentStatusChanged(id, ExperimentStatus.PAUSING, null)));
        flags(vm, false, false, true, true);
        vm.onEvents(List.of(new EngineEvent.ExperimentStatusChanged(id, ExperimentStatus.PAUSED, null)));
        flags(vm, false, false, true, true);
        assertThat(vm.statusTextProperty().get()).isEqualTo("Paused");
        vm.onEvents(List.of(new EngineEvent.ExperimentStatusChanged(id, ExperimentStatus.RUNNING, null)));
        flags(vm, false, true, false, true);
        vm.onEvents(List.of(new EngineEvent.ExperimentStatusChanged(id, ExperimentStatus.STOPPING, null)));
        flags(vm, false, false, false, false);
        vm.onEvents(List.of(new EngineEvent.ExperimentStatusChanged(id, ExperimentStatus.STOPPED, null)));
        flags(vm, true, false, false, false);
        assertThat(vm.statusTextProperty().get()).isEqualTo("Stopped");
        assertThat(vm.canExportProperty().get()).isTrue();
        // events of other experiments change nothing here
        vm.onEvents(List.of(new EngineEvent.ExperimentStatusChanged(id + 100, ExperimentStatus.RUNNING, null)));
        flags(vm, true, false, false, false);
    }

    @Test
    void liveSweepFillsRowsChartAndProgress() throws Exception {
        RunViewModel vm = new RunViewModel(orchard, Async.direct(), messages);
        vm.load(spec(12, 1));
        vm.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (vm.activeStatusProperty().get() != ExperimentStatus.COMPLETED && System.nanoTime() < deadline) {
            Thread.sleep(20);
            pump(vm);
        }
        assertThat(vm.activeStatusProperty().get()).isEqualTo(ExperimentStatus.COMPLETED);
        assertThat(vm.rows()).hasSize(12).allMatch(r -> r.state() == TrialState.COMPLETED);
        assertThat(vm.rows().stream().map(TrialRow::number).toList()).isSorted();
        assertThat(vm.valuePoints()).hasSize(12);
        assertThat(vm.finishedProperty().get()).isEqualTo(12);
        assertThat(vm.progressProperty().get()).isEqualTo(1.0);
        double best = vm.rows().stream().mapToDouble(r -> r.value().getAsDouble()).min().orElseThrow();
        assertThat(vm.bestValue()).hasValue(best);
        assertThat(vm.bestTextProperty().get()).startsWith("Best ");
        // the best-so-far line never gets worse and ends at the best value
        List<Double> ys = vm.bestPoints().stream().map(ChartPoint::y).toList();
        assertThat(ys).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        assertThat(ys.get(ys.size() - 1)).isEqualTo(best);
        assertThat(vm.bestPoints().get(vm.bestPoints().size() - 1).x()).isEqualTo(11.0);
        flags(vm, true, false, false, false);
    }

    @Test
    void eventsThatArriveBeforeTheStartIsKnownAreNotLost() {
        Queue<Runnable> uiQueue = new ArrayDeque<>();
        RunViewModel vm = new RunViewModel(orchard, new Async(Runnable::run, uiQueue::add), messages);
        vm.load(spec(4, 1));
        vm.start(); // the sweep runs; the view-model does not know its id yet
        assertThat(vm.startingProperty().get()).isTrue();
        flags(vm, false, false, false, false);
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (published.stream().noneMatch(e -> e instanceof EngineEvent.ExperimentStatusChanged s && s.status().finished())
                && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        pump(vm); // the whole sweep's events come first...
        assertThat(vm.rows()).isEmpty();
        uiQueue.forEach(Runnable::run); // ...then the start's result
        assertThat(vm.rows()).hasSize(4);
        assertThat(vm.activeStatusProperty().get()).isEqualTo(ExperimentStatus.COMPLETED);
        assertThat(vm.displayedStatusProperty().get()).isEqualTo(ExperimentStatus.COMPLETED);
        flags(vm, true, false, false, false);
    }

    @Test
    void resumesAStoredSweepThatAClosedEngineLeftPaused() throws Exception {
        // a sweep left paused: the engine that ran it closed while its trials ran
        var running = orchard.start(TestSpecs.sample(8, 400), tmp);
        long id = running.experimentId();
        long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (running.finishedTrials() < 4 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        orchard.close();
        orchard = Orchard.open(tmp.resolve("history"));
        published.clear();
        orchard.events().subscribe(published::add);

        RunViewModel vm = new RunViewModel(orchard, Async.direct(), messages);
        vm.show(id);
        assertThat(vm.displayedStatusProperty().get()).isEqualTo(ExperimentStatus.PAUSED);
        flags(vm, false, false, true, false);

        vm.resume();
        assertThat(vm.activeIdProperty().get()).isEqualTo(id);
        until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (vm.activeStatusProperty().get() != ExperimentStatus.COMPLETED && System.nanoTime() < until) {
            Thread.sleep(20);
            pump(vm);
        }
        assertThat(vm.activeStatusProperty().get()).isEqualTo(ExperimentStatus.COMPLETED);
        assertThat(vm.rows()).hasSize(8).allMatch(r -> r.state() == TrialState.COMPLETED);
        assertThat(vm.finishedProperty().get()).isEqualTo(8);
        assertThat(messages.toString() + vm.statusTextProperty().get()).contains("Completed");
        flags(vm, false, false, false, false);
    }

    @Test
    void showsAStoredExperimentAndExportsIt() throws Exception {
        ExperimentSpec spec = TestSpecs.sample(6, 1);
        long id = orchard.start(spec, tmp).experimentId();
        orchard.activeSweeps().forEach(s -> {
            try {
                s.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        RunViewModel vm = new RunViewModel(orchard, Async.direct(), messages);
        vm.show(id).get();
        assertThat(vm.displayedIdProperty().get()).isEqualTo(id);
        assertThat(vm.displayedNameProperty().get()).isEqualTo("branin-quickstart");
        assertThat(vm.displayedStatusProperty().get()).isEqualTo(ExperimentStatus.COMPLETED);
        assertThat(vm.rows()).hasSize(6);
        assertThat(vm.parameterNames()).containsExactly("x1", "x2");
        assertThat(vm.valuePoints()).hasSize(6);
        assertThat(vm.progressTextProperty().get()).isEqualTo("6 / 6 trials");
        // nothing loaded, so nothing to start; a stored experiment has nothing to pause
        flags(vm, false, false, false, false);

        assertThat(vm.canExportProperty().get()).isTrue();
        assertThat(vm.suggestedExportName()).isEqualTo("branin-quickstart-" + id + ".json");
        Path out = tmp.resolve("out/export.json");
        vm.export(out).get();
        assertThat(ArchiveJson.read(out).trials()).hasSize(6);
        assertThat(messages.last()).hasValueSatisfying(m -> assertThat(m.text()).contains("Exported"));

        Path notAFolder = java.nio.file.Files.writeString(tmp.resolve("plain-file"), "x");
        assertThat(vm.export(notAFolder.resolve("export.json")).handle((p, e) -> e)).isCompletedWithValueMatching(e -> e != null);
        assertThat(messages.last().orElseThrow().level()).isEqualTo(Messages.Level.ERROR);
    }

    @Test
    void bestSoFarIsAStepLine() {
        TreeMap<Integer, Double> values = new TreeMap<>(Map.of(0, 5.0, 1, 3.0, 2, 4.0, 4, 1.0, 6, 2.0));
        assertThat(RunViewModel.bestSoFar(values, Direction.MINIMIZE)).containsExactly(
                new ChartPoint(0, 5), new ChartPoint(1, 5), new ChartPoint(1, 3), new ChartPoint(4, 3),
                new ChartPoint(4, 1), new ChartPoint(6, 1));
        assertThat(RunViewModel.bestSoFar(values, Direction.MAXIMIZE)).containsExactly(
                new ChartPoint(0, 5), new ChartPoint(6, 5));
        assertThat(RunViewModel.bestSoFar(new TreeMap<>(), Direction.MINIMIZE)).isEmpty();
    }

    @Test
    void aFinishedTrialIsNeitherDowngradedNorCountedTwice() {
        RunViewModel vm = new RunViewModel(orchard, Async.direct(), messages);
        vm.load(spec(4, 1));
        vm.start();
        long id = vm.activeIdProperty().get();
        Trial t = Trial.started(id, 0, Map.of("x1", 1.0, "x2", 2.0), Instant.now());
        Trial done = t.finish(TrialState.COMPLETED, OptionalDouble.of(3.5), 10, Optional.empty(), Instant.now());
        vm.onEvents(List.of(new EngineEvent.TrialStarted(t), new EngineEvent.TrialFinished(done)));
        vm.onEvents(List.of(new EngineEvent.TrialStarted(t), new EngineEvent.TrialFinished(done)));
        assertThat(vm.rows()).hasSize(1);
        assertThat(vm.rows().get(0).state()).isEqualTo(TrialState.COMPLETED);
        assertThat(vm.valuePoints()).containsExactly(new ChartPoint(0, 3.5));
        assertThat(vm.finishedProperty().get()).isEqualTo(1);
    }
}
