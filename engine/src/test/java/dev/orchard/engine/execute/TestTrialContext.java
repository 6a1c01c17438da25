package dev.orchard.engine.execute;

import dev.orchard.engine.trial.Resources;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CopyOnWriteArrayList;

/** What a running trial sees, recording its reports and its process: the engine's real context is the sweep's. */
class TestTrialContext implements TrialContext {
    final Path dir;
    final int number;
    final Map<String, Object> params;
    final List<Map.Entry<Long, Map<String, Double>>> reports = new CopyOnWriteArrayList<>();
    volatile boolean stop;
    volatile Resources resources = Resources.NONE;
    volatile Optional<Path> resumeFrom = Optional.empty();
    final List<ProcessHandle> started = new CopyOnWriteArrayList<>();
    /** Whether the runner should pick up an earlier run (answered once, as the sweep does). */
    volatile boolean pickUp;
    /** The value the store had for a restarted trial (its step is 2). */
    volatile OptionalDouble previous = OptionalDouble.empty();
    volatile int newRuns;

    TestTrialContext(Path dir, int number, Map<String, Object> params) {
        this.dir = dir;
        this.number = number;
        this.params = params;
    }

    @Override
    public long experimentId() {
        return 1;
    }

    @Override
    public int number() {
        return number;
    }

    @Override
    public Map<String, Object> params() {
        return params;
    }

    @Override
    public void report(long step, Map<String, Double> values) {
        reports.add(Map.entry(step, values));
    }

    @Override
    public boolean stopRequested() {
        return stop;
    }

    @Override
    public Path logFile() {
        return dir.resolve("logs").resolve("trial-" + number + ".log");
    }

    @Override
    public Path checkpointDir() {
        return dir.resolve("ckpt").resolve("1").resolve(String.valueOf(number));
    }

    @Override
    public Optional<Path> resumeFrom() {
        return resumeFrom;
    }

    @Override
    public Resources resources() {
        return resources;
    }

    @Override
    public OptionalDouble previousValue() {
        return previous;
    }

    @Override
    public long previousStep() {
        return previous.isPresent() ? 2 : -1;
    }

    @Override
    public boolean pickUpEarlierRun() {
        boolean p = pickUp;
        pickUp = false;
        return p;
    }

    @Override
    public void newRun() {
        newRuns++;
    }

    @Override
    public void processStarted(ProcessHandle process) {
        started.add(process);
    }

    String log() throws IOException {
        return Files.readString(logFile());
    }
}
