package dev.orchard.engine.experiment;

import dev.orchard.engine.execute.InProcessRunner;
import dev.orchard.engine.execute.Objective;
import dev.orchard.engine.execute.TrialRunner;
import dev.orchard.engine.pipeline.StageContext;
import dev.orchard.engine.store.ExperimentRecord;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.Trial;
import dev.orchard.engine.trial.TrialState;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@link SubExperiments} of one engine: child sweeps found again by parent and name, so a resumed pipeline reuses them. */
final class Nesting implements SubExperiments {
    /** A child sweep ended because the engine is closing (it stays paused, to be resumed with its pipeline). */
    static final class Detached extends RuntimeException {
        Detached(String name) {
            super("sub-experiment " + name + " paused while the engine closes");
        }
    }

    private final Orchard orchard;

    Nesting(Orchard orchard) {
        this.orchard = orchard;
    }

    @Override
    public SweepResult sweepUnder(long parentId, String name, StageContext ctx, ExperimentSpec spec, Optional<Objective> objective,
                                  Path baseDir, List<SweepResult.Observed> warmStart) {
        ExperimentSpec child = spec.withName(name.length() > 255 ? name.substring(0, 255) : name);
        TrialRunner runner = objective.<TrialRunner>map(InProcessRunner::new)
                .orElseGet(() -> Runners.forSpec(child.objective(), baseDir, orchard.dataDir()));
        Optional<ExperimentRecord> existing = orchard.store().children(parentId).stream()
                .filter(r -> r.name().equals(child.name())).max(Comparator.comparingLong(ExperimentRecord::id));
        Sweep sweep;
        if (existing.isPresent() && existing.get().status() == ExperimentStatus.COMPLETED) {
            return result(existing.get().id(), child.name(), child.direction(), warmStart);
        } else if (existing.isPresent() && existing.get().status() != ExperimentStatus.STOPPED
                && existing.get().status() != ExperimentStatus.FAILED) {
            // paused, or interrupted by a crash: it continues where it was
            sweep = orchard.resume(existing.get(), child, runner, warmStart);
        } else {
            // new, or the last attempt failed or was stopped: a fresh sweep (a retry of the stage)
            sweep = orchard.start(child, objective.isPresent() ? Optional.empty() : Optional.of(baseDir), runner,
                    Orchard.scheduler(child), Optional.of(parentId), warmStart);
        }
        // which stored experiment this stage runs, and its size: live views count its finished trials as progress
        Map<String, Double> sub = new java.util.LinkedHashMap<>();
        sub.put("child_experiment", (double) sweep.experimentId());
        if (child.budget() != null) {
            sub.put("budget", (double) child.budget());
        }
        ctx.report(sub);
        ctx.onControl(c -> {
            switch (c) {
                case PAUSE -> sweep.pause();
                case RESUME -> sweep.resume();
                case STOP -> sweep.stop();
            }
        });
        ExperimentStatus end;
        try {
            end = sweep.await();
        } catch (InterruptedException e) {
            sweep.stop();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sub-experiment " + child.name() + " ran");
        }
        if (end == ExperimentStatus.COMPLETED) {
            return result(sweep.experimentId(), child.name(), child.direction(), warmStart);
        }
        if (end == ExperimentStatus.PAUSED) {
            throw new Detached(child.name());
        }
        String message = orchard.store().experiment(sweep.experimentId()).flatMap(ExperimentRecord::message).orElse("");
        throw new IllegalStateException("sub-experiment " + child.name() + " (" + sweep.experimentId() + ") ended "
                + end.wire() + (message.isEmpty() ? "" : ": " + message));
    }

    /**
     * The stored outcome of a completed child sweep, with what it was warm-started from: a chain of searches hands on
     * everything it knows, and its best is the best of all of it.
     */
    SweepResult result(long id, String name, Direction direction, List<SweepResult.Observed> warm) {
        orchard.flush();
        List<SweepResult.Observed> seen = new ArrayList<>(warm);
        SweepResult.Observed bestWarm = null;
        for (SweepResult.Observed o : warm) {
            if (bestWarm == null || direction.better(o.value(), bestWarm.value())) {
                bestWarm = o;
            }
        }
        Trial best = null;
        for (Trial t : orchard.store().trials(id)) {
            if (t.state() == TrialState.COMPLETED && t.value().isPresent()) {
                seen.add(new SweepResult.Observed(t.params(), t.value().getAsDouble()));
                if (best == null || direction.better(t.value().getAsDouble(), best.value().getAsDouble())) {
                    best = t;
                }
            }
        }
        if (best == null && bestWarm == null) {
            throw new IllegalStateException("sub-experiment " + name + " (" + id + ") completed no trial");
        }
        if (best == null || bestWarm != null && direction.better(bestWarm.value(), best.value().getAsDouble())) {
            return new SweepResult(id, name, bestWarm.params(), bestWarm.value(), seen);
        }
        return new SweepResult(id, name, best.params(), best.value().getAsDouble(), seen);
    }

    @Override
    public ExperimentSpec spec(long experimentId) {
        ExperimentRecord r = orchard.experiment(experimentId).orElseThrow(() -> new IllegalStateException(
                "experiment " + experimentId + " is not in the database"));
        return dev.orchard.engine.json.Specs.bind(r.specJson(), "experiment " + experimentId, ExperimentSpec.class);
    }

    @Override
    public List<dev.orchard.engine.trial.Trial> trials(long experimentId) {
        return orchard.trials(experimentId);
    }

    @Override
    public List<dev.orchard.engine.trial.MetricPoint> metrics(long experimentId, int trial) {
        return orchard.metrics(experimentId, trial);
    }
}
