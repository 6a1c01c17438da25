package dev.orchard.engine.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import java.util.List;
import java.util.Map;

/** What a trial computes: a built-in function in-process, or a command run as a subprocess per trial. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ObjectiveSpec.Builtin.class, name = "builtin"),
    @JsonSubTypes.Type(value = ObjectiveSpec.Command.class, name = "command")
})
public sealed interface ObjectiveSpec {

    /** Name of the metric that is the trial's value. */
    String metric();

    /**
     * A built-in benchmark function (branin, hartmann6). {@code curveSteps} > 0 makes it report that many intermediate
     * values converging to the final one, like a training curve; {@code delayMs} waits that long per trial (spread
     * over its steps) so a demo sweep can be watched.
     */
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    record Builtin(String function, int curveSteps, long delayMs) implements ObjectiveSpec {
        /** JSON form: {@code curve_steps} and {@code delay_ms} may be left out (0). */
        @com.fasterxml.jackson.annotation.JsonCreator
        public static Builtin json(@com.fasterxml.jackson.annotation.JsonProperty("function") String function,
                                   @com.fasterxml.jackson.annotation.JsonProperty("curve_steps") Integer curveSteps,
                                   @com.fasterxml.jackson.annotation.JsonProperty("delay_ms") Long delayMs) {
            return new Builtin(function, curveSteps == null ? 0 : curveSteps, delayMs == null ? 0 : delayMs);
        }

        @Override
        public String metric() {
            return "value";
        }
    }

    /**
     * A command run once per trial. {@code command} is one string (split like a shell would, without running a shell)
     * or a list of arguments; {@code {param}} is replaced by the parameter's value in each argument, {@code {trial}}
     * by the trial number, {@code {{}} and {@code }}} by literal braces. The trial's value is the last reported value
     * of {@code metric} ({@code @orchard {"step":3,"loss":0.2}} lines on its output). {@code retries}: a trial that
     * crashes (non-zero exit, killed by a signal) runs again up to that many times, after {@code retryBackoffSeconds}
     * (default 10), doubling each time; {@code graceSeconds}: how long a trial has to checkpoint and exit after SIGTERM
     * before SIGKILL (default 10).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Command(@JsonDeserialize(using = CommandLineDeserializer.class) List<String> command, String workdir, String metric, Double timeoutSeconds,
                   Map<String, String> env, Integer retries, Double graceSeconds, Double retryBackoffSeconds)
            implements ObjectiveSpec {
        public Command {
            command = command == null ? List.of() : List.copyOf(command);
            metric = metric == null ? "value" : metric;
            env = env == null ? Map.of() : Map.copyOf(env);
            if (retries != null && retries < 0) {
                throw new IllegalArgumentException("retries must be >= 0, got " + retries);
            }
            if (graceSeconds != null && !(graceSeconds >= 0 && graceSeconds <= 3600)) {
                throw new IllegalArgumentException("grace_seconds must be between 0 and 3600, got " + graceSeconds);
            }
            if (retryBackoffSeconds != null && !(retryBackoffSeconds >= 0 && retryBackoffSeconds <= 3600)) {
                throw new IllegalArgumentException("retry_backoff_seconds must be between 0 and 3600, got " + retryBackoffSeconds);
            }
        }

        public Command(List<String> command, String workdir, String metric, Double timeoutSeconds, Map<String, String> env) {
            this(command, workdir, metric, timeoutSeconds, env, null, null, null);
        }
    }
}
