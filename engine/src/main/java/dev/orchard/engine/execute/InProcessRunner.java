package dev.orchard.engine.execute;

import dev.orchard.engine.trial.TrialResult;

/** Runs a Java {@link Objective} on the calling thread. */
public final class InProcessRunner implements TrialRunner {
    private final Objective objective;

    public InProcessRunner(Objective objective) {
        this.objective = objective;
    }

    @Override
    public TrialResult run(TrialContext context) {
        long[] lastStep = {-1};
        TrialContext tracking = new TrialContextDelegate(context, lastStep);
        try {
            double v = objective.evaluate(tracking);
            if (context.stopRequested()) {
                return TrialResult.stopped(lastStep[0]);
            }
            if (!Double.isFinite(v)) {
                return TrialResult.failed("objective returned " + v + ", not a finite number", lastStep[0]);
            }
            return TrialResult.completed(v, lastStep[0]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return TrialResult.stopped(lastStep[0]);
        } catch (Exception | StackOverflowError e) {
            if (context.stopRequested()) {
                return TrialResult.stopped(lastStep[0]);
            }
            String msg = e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + e.getMessage();
            return TrialResult.failed(msg, lastStep[0]);
        }
    }

    /** Remembers the last reported step so a failed or stopped trial still records how far it got. */
    private record TrialContextDelegate(TrialContext inner, long[] lastStep) implements TrialContext {
        @Override
        public long experimentId() {
            return inner.experimentId();
        }

        @Override
        public int number() {
            return inner.number();
        }

        @Override
        public java.util.Map<String, Object> params() {
            return inner.params();
        }

        @Override
        public void report(long step, java.util.Map<String, Double> values) {
            inner.report(step, values);
            lastStep[0] = Math.max(lastStep[0], step);
        }

        @Override
        public boolean stopRequested() {
            return inner.stopRequested();
        }

        @Override
        public java.nio.file.Path logFile() {
            return inner.logFile();
        }

        @Override
        public java.nio.file.Path checkpointDir() {
            return inner.checkpointDir();
        }

        @Override
        public java.util.Optional<java.nio.file.Path> resumeFrom() {
            return inner.resumeFrom();
        }

        @Override
        public dev.orchard.engine.trial.Resources resources() {
            return inner.resources();
        }

        @Override
        public void processStarted(ProcessHandle process) {
            inner.processStarted(process);
        }

        @Override
        public java.util.OptionalDouble previousValue() {
            return inner.previousValue();
        }

        @Override
        public long previousStep() {
            return inner.previousStep();
        }
    }
}
