package dev.orchard.engine.schedule;

import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.TrialState;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Asynchronous successive halving (ASHA, Li et al. 2020) over rungs at steps {@code ⌊grace·η^k⌋ < maxSteps}.
 * <ul>
 *   <li>{@link Mode#STOP} (Ray Tune's ASHAScheduler): a trial reaching a rung is stopped when its value is strictly worse
 *   than the {@code (1 − 1/η)}-quantile (linear interpolation) of the values recorded at that rung before it; the first
 *   trial at a rung always goes on. New trials fill every free slot while budget remains.</li>
 *   <li>{@link Mode#PROMOTE} (the paper's algorithm): a trial pauses at every rung. {@link #next} first resumes paused
 *   trials that are in the top ⌊n/η⌋ of the n values recorded at their rung and were not promoted yet (highest rung first,
 *   best first), then starts fresh trials while budget remains. When the budget is spent and nothing is promotable the
 *   sweep ends; trials still paused then stay recorded as paused, with their value at their last rung.</li>
 * </ul>
 * In both modes a trial that reports at {@code maxSteps} or later is stopped as {@link Decision#done done}.
 */
public final class AshaScheduler implements Scheduler {

    /** Whether a trial that is not among the best at a rung is stopped at once or paused until it may be promoted. */
    public enum Mode {
        STOP, PROMOTE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Mode parse(String s) {
            for (Mode m : values()) {
                if (m.wire().equalsIgnoreCase(s)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown mode '" + s + "'; expected stop or promote");
        }
    }

    /** {@code slots} trials at once; rungs from {@code grace} by factors of {@code eta} below {@code maxSteps}. */
    public record Settings(int slots, long grace, double eta, long maxSteps, Mode mode) {
        public Settings {
            if (slots < 1) {
                throw new IllegalArgumentException("parallel must be at least 1, got " + slots);
            }
            if (!(eta > 1) || !Double.isFinite(eta)) {
                throw new IllegalArgumentException("eta must be a number greater than 1, got " + eta);
            }
            if (grace < 1) {
                throw new IllegalArgumentException("grace must be at least 1 step, got " + grace);
            }
            if (grace > maxSteps) {
                throw new IllegalArgumentException("grace (" + grace + ") must not exceed max_steps (" + maxSteps + ")");
            }
        }
    }

    private final Settings settings;
    private final SuccessiveHalving bracket;

    public AshaScheduler(Settings settings, Direction direction) {
        this.settings = settings;
        this.bracket = new SuccessiveHalving(settings.grace(), settings.eta(), settings.maxSteps(), settings.mode(), direction);
    }

    /** The rung steps, lowest first. */
    public long[] rungSteps() {
        return bracket.rungSteps();
    }

    /** Trials paused at a rung that have not been promoted. */
    public Set<Integer> paused() {
        return bracket.paused();
    }

    @Override
    public int slots() {
        return settings.slots();
    }

    @Override
    public List<Launch> next(SweepView view) {
        var out = new ArrayList<Launch>();
        if (settings.mode() == Mode.PROMOTE) {
            for (SuccessiveHalving.Promotion p : bracket.promotions()) {
                if (out.size() >= view.freeSlots()) {
                    break;
                }
                bracket.promote(p);
                out.add(new Launch.Resume(p.trial(), promotionReason(p)));
            }
        }
        int fresh = Math.min(view.freeSlots() - out.size(), view.remainingBudget());
        out.addAll(Collections.nCopies(Math.max(0, fresh), Launch.FRESH));
        return out;
    }

    static String promotionReason(SuccessiveHalving.Promotion p) {
        return "promoted from rung " + p.rung() + " (step " + p.rungStep() + "): rank " + p.rank() + " of " + p.recorded()
                + "; runs to step " + p.nextStep();
    }

    @Override
    public Decision onReport(int trial, long step, double value) {
        return bracket.onReport(trial, step, value);
    }

    @Override
    public void onEnded(int trial, TrialState state, OptionalDouble value, long lastStep) {
        bracket.onEnded(trial, state);
    }

    @Override
    public Map<String, Object> state() {
        return bracket.state();
    }

    @Override
    public void restore(Map<String, Object> state) {
        bracket.restore(state);
    }
}
