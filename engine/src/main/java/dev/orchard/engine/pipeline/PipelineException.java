package dev.orchard.engine.pipeline;

import java.util.List;

/** A pipeline that cannot run as built: every problem names its stage (and JSON path, for specs). */
public class PipelineException extends RuntimeException {
    private final List<Problem> problems;

    public PipelineException(List<Problem> problems) {
        super(problems.size() == 1 ? problems.get(0).toString()
                : problems.size() + " problems:\n  " + String.join("\n  ", problems.stream().map(Problem::toString).toList()));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    /** One problem: the stage (a path through loops and sub-experiments, "loop/train"), the JSON path if any, what. */
    public record Problem(String stage, String jsonPath, String message) {
        @Override
        public String toString() {
            return (jsonPath.isEmpty() ? "" : jsonPath + ": ") + (stage.isEmpty() ? "" : "stage '" + stage + "': ") + message;
        }
    }
}
