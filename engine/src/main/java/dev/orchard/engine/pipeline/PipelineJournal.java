package dev.orchard.engine.pipeline;

import java.util.Optional;

/**
 * Where a run keeps what must outlive it: checkpoints (the run's position, variables and live values after a
 * checkpointed stage) and the stage cache (shared by all runs). The engine's is in H2; {@link #NONE} keeps nothing.
 */
public interface PipelineJournal {
    /** Stores a checkpoint durably before the run goes on. */
    void checkpoint(String stage, String iteration, String snapshotJson);

    /** The latest checkpoint of this run, if any. */
    Optional<String> latestCheckpoint();

    Optional<String> cached(String key);

    void cache(String key, String stage, String outputJson);

    PipelineJournal NONE = new PipelineJournal() {
        @Override
        public void checkpoint(String stage, String iteration, String snapshotJson) {
        }

        @Override
        public Optional<String> latestCheckpoint() {
            return Optional.empty();
        }

        @Override
        public Optional<String> cached(String key) {
            return Optional.empty();
        }

        @Override
        public void cache(String key, String stage, String outputJson) {
        }
    };
}
