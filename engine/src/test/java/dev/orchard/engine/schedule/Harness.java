package dev.orchard.engine.schedule;

import dev.orchard.engine.trial.TrialState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Plays the sweep's side of the SPI by hand: starts what {@code next} returns (numbering new trials 0, 1, …), applies
 * decisions (stop → pruned, or completed when done; pause → paused) and reports ends, so tests can script reports.
 */
final class Harness {
    final Scheduler scheduler;
    final int budget;
    final IntFunction<Map<String, Object>> freshParams;
    final Set<Integer> running = new LinkedHashSet<>();
    final Map<Integer, Map<String, Object>> params = new HashMap<>();
    final List<String> resumeReasons = new ArrayList<>();
    final List<Launch> launches = new ArrayList<>();
    int created;

    Harness(Scheduler scheduler, int budget) {
        this(scheduler, budget, n -> Map.of("n", n));
    }

    Harness(Scheduler scheduler, int budget, IntFunction<Map<String, Object>> freshParams) {
        this.scheduler = scheduler;
        this.budget = budget;
        this.freshParams = freshParams;
    }

    /** Asks for launches and starts them; returns "fresh 3", "resume 1", "derived 5 from 2". */
    List<String> next() {
        var out = new ArrayList<String>();
        List<Launch> ls = scheduler.next(new Scheduler.SweepView(running.size(), scheduler.slots() - running.size(), budget - created));
        if (ls.size() > scheduler.slots() - running.size()) {
            throw new AssertionError("more launches than free slots: " + ls);
        }
        for (Launch l : ls) {
            launches.add(l);
            if (l instanceof Launch.Resume r) {
                if (!running.add(r.trial())) {
                    throw new AssertionError("resumed a running trial " + r.trial());
                }
                resumeReasons.add(r.reason());
                scheduler.onStarted(r.trial(), params.get(r.trial()), l);
                out.add("resume " + r.trial());
            } else {
                if (created >= budget) {
                    throw new AssertionError("launch beyond the budget: " + l);
                }
                int n = created++;
                Map<String, Object> p = l instanceof Launch.Derived d ? d.params() : freshParams.apply(n);
                params.put(n, p);
                running.add(n);
                scheduler.onStarted(n, p, l);
                out.add(l instanceof Launch.Derived d ? "derived " + n + " from " + d.parent() : "fresh " + n);
            }
        }
        return out;
    }

    /** Reports a value and applies the decision as the sweep would. */
    Decision report(int trial, long step, double value) {
        if (!running.contains(trial)) {
            throw new AssertionError("trial " + trial + " is not running");
        }
        Decision d = scheduler.onReport(trial, step, value);
        if (d.kind() == Decision.Kind.STOP) {
            end(trial, d.done() ? TrialState.COMPLETED : TrialState.PRUNED, value, step);
        } else if (d.kind() == Decision.Kind.PAUSE) {
            end(trial, TrialState.PAUSED, value, step);
        }
        return d;
    }

    void end(int trial, TrialState state, double value, long step) {
        running.remove(trial);
        scheduler.onEnded(trial, state, Double.isNaN(value) ? OptionalDouble.empty() : OptionalDouble.of(value), step);
    }
}
