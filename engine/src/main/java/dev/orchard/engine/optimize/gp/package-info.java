/**
 * Gaussian-process Bayesian optimisation: the {@code gp} optimizer ({@link dev.orchard.engine.optimize.gp.GpOptimizer}).
 *
 * <h2>Model</h2>
 * A GP on the unit cube with a Matérn-5/2 ARD kernel (signal variance, one length-scale per parameter), a constant
 * mean and Gaussian noise with a floor of 1e-6 (of the standardised target's variance), all learned. Targets are the
 * losses ({@code direction.toLoss(value)}), warped and standardised ({@code OutputWarp}; default {@code log_power}:
 * {@code log(1 + (y − min)/median(y − min))} followed by a likelihood-fitted Yeo–Johnson power transform — it kept
 * the GP working with a +1e4 cliff of diverged trials and with an exponential loss surface, where plain
 * standardisation failed, and it was the best of the five warps on branin and as good as any on hartmann6; the
 * measurements are in {@code OutputWarp}'s documentation).
 *
 * <h2>Parameters in the model</h2>
 * Uniform and log-uniform parameters use their unit coordinate (log ones are uniform in log space there). Int and
 * numeric choice parameters are ordered: their unit coordinate, at the centre of the value's cell; the acquisition is
 * optimised over the continuous relaxation and the result rounded by mapping it to its value and back
 * ({@code space.fromUnit} then {@code toUnit}), so a suggestion is always a valid configuration. Unordered (string or
 * boolean) choices use the overlap (Hamming) distance inside the Matérn kernel, {@code [a ≠ b]/ℓ²}, with one
 * length-scale per choice parameter — equivalent to a scaled one-hot embedding, so the kernel stays positive definite,
 * but with one length-scale per parameter rather than per value and no relaxation to round: categories are chosen by
 * the candidate search and by trying each other value of each choice at the refined points. A parameter that is
 * absent from a configuration (inactive in a conditional space, or NaN from {@code toUnit}) is imputed: 0.5 for a
 * numeric coordinate, a category of its own for a choice.
 *
 * <h2>Hyperparameters</h2>
 * Maximum a posteriori: log marginal likelihood with analytic gradients plus log priors (Gamma(3, 6) on
 * length-scales, log-normal on signal and noise; see {@code Hyperparameters} for why not the newer dimension-scaled
 * prior), in log space within bounds, by a small bounded
 * L-BFGS ({@code BoundedLbfgs}; Hipparchus 4 has no L-BFGS, and its conjugate gradient lives in hipparchus-optim, which
 * the engine does not depend on). Linear algebra is EJML's Cholesky and triangular solves; a failed or numerically
 * singular factorisation is retried with a growing diagonal jitter.
 * <p><b>Refit schedule.</b> Up to 100 data points: refit whenever the data changed, from 5 starts (the previous
 * optimum, a default, 3 random). Beyond: refit when the data grew by n/20 points since the last fit, from 2 starts
 * (the previous optimum and a random one), on at most 300 points (a seeded random subset); in between, the last
 * hyperparameters are reused and only the Cholesky factor is recomputed. The factor is cached while the data and
 * hyperparameters stay the same, and batch fantasies grow it by one row (O(n²)) instead of refactoring.
 *
 * <h2>Acquisition</h2>
 * {@code log_ei} (default): the numerically stable log expected improvement of Ament et al. (NeurIPS 2023), finite and
 * monotone far into the tail ({@code LogEi}); {@code ucb}: {@code −μ + √β σ} of the standardised loss. Maximised by
 * scoring {@code candidates} random and near-incumbent points, refining the best {@code restarts} with bounded L-BFGS
 * on analytic gradients of the posterior mean and variance, and rounding ({@code AcquisitionOptimizer}).
 *
 * <h2>Startup, batches, failures</h2>
 * Until {@code n_startup_trials} trials have a value (default max(5, 2d)) suggestions come from the scrambled Sobol
 * design of the same seed. Batches and pending trials use Kriging believer: each chosen point, and every suggested but
 * not yet observed point, is conditioned on at its posterior mean before the next is chosen (the incumbent of log-EI
 * includes believed values); a point within 0.05 length-scales of a pending point is passed over for the next best
 * one. Failed trials are not data; their points are conditioned on at the worst observed target, which steers
 * suggestions away from them. Pruned trials count with their last value; a stopped trial without a value is dropped.
 *
 * <h2>Reproducibility</h2>
 * Every random choice draws from {@code Seeds.stream(seed, k)} for the suggestion or data count {@code k}, so the same
 * seed and history give the same suggestions, and a batch gives the same points whether asked at once or in parts.
 * The state holds counters, the pending points and the last hyperparameters with the data size they were fitted at;
 * re-observing the history and restoring the state continues exactly.
 *
 * <h2>Settings</h2>
 * {@code acquisition} ({@code log_ei} | {@code ucb}), {@code beta} (4), {@code n_startup_trials}, {@code restarts} (8),
 * {@code candidates} (2000), {@code warp} ({@code log_power} | {@code log} | {@code power} | {@code rank} |
 * {@code none}); anything else is an {@link java.lang.IllegalArgumentException} naming the key ({@code GpSettings}).
 */
package dev.orchard.engine.optimize.gp;
