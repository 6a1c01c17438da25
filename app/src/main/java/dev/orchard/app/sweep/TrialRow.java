package dev.orchard.app.sweep;

import dev.orchard.engine.trial.Trial;
import dev.orchard.engine.trial.TrialState;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/** One line of the trial table: an immutable snapshot of a trial (replaced in the list when the trial changes). */
public record TrialRow(int number, TrialState state, Map<String, Object> params, OptionalDouble value,
                       Optional<String> error) {

    public TrialRow {
        params = Map.copyOf(params);
    }

    public static TrialRow of(Trial t) {
        return new TrialRow(t.number(), t.state(), t.params(), t.value(), t.error());
    }
}
