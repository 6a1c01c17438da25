/**
 * Schedulers: how many trials run at once, what starts next, and what happens to each intermediate result. All behind
 * the {@link dev.orchard.engine.schedule.Scheduler} SPI; {@link dev.orchard.engine.schedule.Schedulers#create} builds
 * them from a {@link dev.orchard.engine.schedule.SchedulerSpec} (JSON) and a
 * {@link dev.orchard.engine.schedule.SchedulerContext} (space, direction, seed, budget).
 *
 * <h2>The sweep's side</h2>
 * The sweep calls {@code next(view)} whenever something changed and starts what it returns: {@code Fresh} (the
 * optimizer suggests; a new trial number), {@code Resume(t)} (a trial the scheduler paused continues from its own
 * checkpoint) or {@code Derived(parent, params)} (a new trial number whose checkpoint directory is a copy of the
 * parent's). Then {@code onStarted}; {@code onReport} for every value of the objective metric, whose decision it applies
 * (STOP: recorded as pruned with its last value, or as completed when the decision is
 * {@link dev.orchard.engine.schedule.Decision#done done}; PAUSE: checkpoint, exit, recorded paused); and
 * {@code onEnded} when a trial ends. Budget = new trial numbers (Fresh + Derived). The sweep ends when nothing runs and
 * {@code next} returns nothing. All calls come from one thread. Values are oriented by the context's direction:
 * internally every scheduler compares <em>scores</em> (the value when maximizing, its negative when minimizing) and
 * shows cut-offs and medians in the metric's own units.
 *
 * <h2>The rules</h2>
 * <ul>
 *   <li>{@link dev.orchard.engine.schedule.SynchronousBatchScheduler sync_batch}: {@code batch_size} fresh trials when
 *   none runs.</li>
 *   <li>{@link dev.orchard.engine.schedule.AshaScheduler asha} (Li et al. 2020): rungs at {@code ⌊grace·η^k⌋} below
 *   {@code max_steps}. A report at step s records at the highest rung {@code ≤ s} above the trial's last recorded rung.
 *   {@code stop} mode (Ray Tune's rule): stop when the value is strictly worse than the {@code (1 − 1/η)}-quantile,
 *   linearly interpolated (NumPy's default), of the values recorded at that rung <em>before</em> it; the first at a rung
 *   goes on. {@code promote} mode (the paper's): pause at every rung; {@code next} resumes paused trials in the top
 *   {@code ⌊n/η⌋} of their rung not yet promoted (highest rung first, best first; ties to the earlier record), then
 *   starts fresh ones within the budget; paused trials left when the budget is spent stay paused. Reaching
 *   {@code max_steps} is a done stop.</li>
 *   <li>{@link dev.orchard.engine.schedule.HyperbandScheduler hyperband}: {@code s_max + 1} ASHA brackets,
 *   {@code s_max = ⌊log_η(max_steps/grace)⌋}, bracket b with grace {@code ⌊grace·η^b⌋} (Optuna's layout); trials join
 *   brackets by smooth weighted round-robin with Hyperband's configuration counts
 *   {@code ⌈(s_max+1)·η^s/(s+1)⌉, s = s_max − b} as weights.</li>
 *   <li>{@link dev.orchard.engine.schedule.MedianStoppingScheduler median} (Vizier): at step {@code s ≥ grace}, with at
 *   least {@code min_trials} other trials that reached s, stop when the trial's best value so far is strictly worse
 *   than the median of their running averages at s.</li>
 *   <li>{@link dev.orchard.engine.schedule.PbtScheduler pbt} (Jaderberg et al. 2017): every {@code interval} steps a
 *   member in the bottom {@code k = min(⌈n·quantile⌉, ⌊n/2⌋)} of the running members (by latest value), strictly worse
 *   than the k-th best, is stopped and replaced by a trial derived from a top-k member (seeded draw) with
 *   {@link dev.orchard.engine.schedule.PerturbExplorer explored} params; it continues the parent's step count. Done after
 *   {@code generations·interval} steps; at most {@code population·generations} trials.</li>
 * </ul>
 * Every scheduler's {@code state()} is a JSON-friendly map and {@code restore(state)} on a scheduler built from the same
 * spec and context continues exactly (tested by restoring mid-sweep from JSON text).
 */
package dev.orchard.engine.schedule;
