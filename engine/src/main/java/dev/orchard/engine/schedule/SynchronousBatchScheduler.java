package dev.orchard.engine.schedule;

/** Runs trials in batches of {@code batchSize}; a new batch starts only when the previous one has fully finished. */
public record SynchronousBatchScheduler(int batchSize) implements Scheduler {

    public SynchronousBatchScheduler {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size must be at least 1, got " + batchSize);
        }
    }

    @Override
    public int slots() {
        return batchSize;
    }

    @Override
    public int launchable(int running, int remainingBudget) {
        return running == 0 ? Math.min(batchSize, remainingBudget) : 0;
    }
}
