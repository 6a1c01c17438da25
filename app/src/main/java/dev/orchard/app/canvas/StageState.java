package dev.orchard.app.canvas;

/** What a stage is doing in the run on display, from the engine's stage events, with progress in [0, 1] when known. */
public record StageState(Kind kind, double progress, String message) {
    public enum Kind {
        IDLE, RUNNING, RETRYING, DONE, CACHED, SKIPPED, FAILED;

        public String label() {
            return switch (this) {
                case IDLE -> "idle";
                case RUNNING -> "running";
                case RETRYING -> "retrying";
                case DONE -> "done";
                case CACHED -> "from cache";
                case SKIPPED -> "skipped";
                case FAILED -> "failed";
            };
        }
    }

    public static final StageState IDLE = new StageState(Kind.IDLE, -1, "");

    public StageState withProgress(double p) {
        return new StageState(kind, p, message);
    }
}
