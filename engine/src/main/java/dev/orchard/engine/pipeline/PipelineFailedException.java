package dev.orchard.engine.pipeline;

/** A run that ended because a stage failed and nothing recovered it. */
public class PipelineFailedException extends RuntimeException {
    private final StageFailure failure;

    public PipelineFailedException(StageFailure failure) {
        super(failure.toString(), failure.cause().orElse(null));
        this.failure = failure;
    }

    public StageFailure failure() {
        return failure;
    }
}
