/**
 * Cost-aware Pareto Bayesian optimisation: the {@code protein} optimizer
 * ({@link dev.orchard.engine.optimize.protein.ProteinOptimizer}), after CARBS (Fetterman et al., 2023) and PufferLib's
 * Protein. It looks for the best loss at every cost rather than the best loss alone, so cheap good configurations are
 * found first and effort moves to expensive ones as the search goes on.
 *
 * <h2>Data</h2>
 * Losses are {@code direction.toLoss(value)}; costs are the observations' {@code cost} (wall-clock seconds from sweeps,
 * or a client's {@code cost} in ask/tell). Observations are grouped by configuration (its point in the GP's model
 * space, so absent conditional parameters are imputed as in {@code gp}): a configuration observed several times is
 * <b>one</b> data point with the mean loss of its valued observations (completed, pruned) and the mean log-cost of
 * its completed runs; the GPs' noise term absorbs what is left. A pruned or stopped trial's value counts, its cost
 * does not (it was cut short). <b>Failed</b> trials are kept apart: they are neither data of the loss model nor on
 * the front nor in the cost model; their points are avoided by conditioning the loss posterior on them at the worst
 * observed target (believed-bad fantasies) and by never suggesting an observed point again (below). A stopped trial
 * without a value only stops being pending. An <b>unknown cost</b> counts as 1: with no costs at all every point costs
 * the same, the front is the best point(s), the cost penalty vanishes and {@code protein} is plain log-EI BO on the
 * {@code gp} model (with its own candidate search). Costs below 1e-6 count as 1e-6.
 *
 * <h2>Models</h2>
 * Two GPs of the {@code gp} package (Matérn-5/2 ARD, MAP hyperparameters, same refit schedule), over the unit-cube
 * model space: one on the losses, warped and standardised ({@code warp}, default {@code log_power}), one on the
 * standardised log-costs of the configurations with a completed run (none when they are all equal: the log-cost is
 * then that constant).
 *
 * <h2>Pareto front</h2>
 * Of the configurations with a completed run, those that no other beats in both mean cost and mean loss (lower is
 * better in both; {@link dev.orchard.engine.optimize.protein.ParetoFront}); exact ties are all kept.
 *
 * <h2>The suggestion rule</h2>
 * While fewer than {@code n_startup_trials} distinct configurations have a value (default max(5, 2d)) — and whenever
 * the front is empty (no completed trial yet, all failed or pruned) — the next point of the scrambled Sobol design of
 * the same seed. Otherwise, with {@code n} data points, front log-costs {@code lo ≤ … ≤ hi}:
 * <ol>
 *   <li><b>Target log-cost</b> {@code τ = lo + q (hi − lo)}, {@code q = u^γ}: {@code u} is the golden-ratio sequence
 *       {@code frac(u₀ + 0.618… k)} of the suggestion number {@code k} (a seeded offset {@code u₀}), so consecutive
 *       suggestions — a batch too — sweep the front; {@code γ = 3 / (1 + (n − n_startup)/(5 n_startup))} biases the
 *       target towards the cheap end at first (mean quantile 1/4), uniform after about 10 n_startup points and
 *       towards the expensive end beyond. Capped at {@code log max_cost}.</li>
 *   <li><b>Candidates</b> ({@code candidates}, default 1000): a quarter uniform in the cube, the rest Gaussian
 *       perturbations of front points (chosen uniformly) with a standard deviation log-uniform in {@code [s/10, s]},
 *       {@code s = max(0.02, 0.25 √(n_startup / n))} of the unit range (categories redrawn with probability 1/d);
 *       then a finer round ({@code s/4}) of another quarter around the five best allowed ones. Every candidate is
 *       made canonical (discrete values rounded).</li>
 *   <li><b>Cost cap</b>: with {@code max_cost}, a candidate is allowed when its predicted log-cost's upper band
 *       {@code μ_c + σ_c} (about 84 %) is at most {@code log max_cost}.</li>
 *   <li><b>Acquisition</b>: {@code log EI(μ, σ; f(ĉ + log 1.2)) − ½ (max(0, ĉ − τ)/w)²}, where {@code μ, σ} are the
 *       loss posterior (standardised warped loss, conditioned on failed and pending points), {@code ĉ} the predicted
 *       log-cost, and {@code f(c)} the front's target at log-cost {@code c}: interpolated linearly in log-cost
 *       between neighbouring front points (the cheapest point's target below the front, the best one above it), the
 *       front here also holding the pending points at their believed loss and predicted cost. The improvement is
 *       thus measured against what the front already achieves at the candidate's cost, a cheaper candidate facing a
 *       weaker reference. Costs within a factor 1.2 count as the same (the {@code + log 1.2}), and interpolation
 *       rather than a step, because otherwise a point a hair cheaper than a front point and no better would count as
 *       a large improvement and the search would crawl down a plateau in tiny cost steps. The penalty applies only
 *       to candidates dearer than the target ({@code τ} is a soft budget: a cheaper candidate with the same
 *       improvement is never worse); its width is {@code w = max(0.25 (hi − lo), 0.1 × range of all observed
 *       log-costs)}, and it is off when all costs are equal.</li>
 *   <li><b>Choice</b>: the allowed candidate with the largest acquisition that is not within 0.05 length-scales (of
 *       the loss GP) of a pending or an already observed configuration (with averaging, re-suggesting an observed
 *       point would leave the model unchanged and could repeat forever); failing that the best allowed one; if the
 *       cap allows none, the one with the cheapest upper band.</li>
 *   <li><b>Batches and pending trials</b> (Kriging believer): every suggested but unobserved point is conditioned on
 *       at its posterior mean and joins the reference front at its predicted cost before the next one is chosen.</li>
 * </ol>
 * If a covariance cannot be factored even with jitter, the suggestion is a uniform random point.
 *
 * <h2>Measured</h2>
 * Branin with cost {@code exp(2 x̃₁)} ({@code x̃₁} = x1 normalised; the three minima cost about 1.3, 3.0 and 6.8),
 * 60 trials, seeds 1–20: cost spent until the first loss below 1 lower than {@code gp}'s on 18 seeds (one narrow loss,
 * one tie), median 29.4 against 36.2; every run reached 0.398–0.404. With {@code max_cost} 1.5: 1 of 550 suggestions
 * after startup over the cap on seeds 1–10. Without costs: best of 50 trials 0.398–0.402 on seeds 1–10, as {@code gp}.
 *
 * <h2>Reproducibility and state</h2>
 * Every random choice draws from {@code Seeds.stream(seed, k)} for the suggestion or data count {@code k}. The state
 * holds the suggestion counter, the Sobol index, the pending points and both GPs' last hyperparameters with the data
 * sizes they were fitted at; re-observing the history and restoring the state continues exactly.
 *
 * <h2>Settings</h2>
 * {@code max_cost}, {@code n_startup_trials}, {@code candidates}, {@code warp}; anything else is an
 * {@link java.lang.IllegalArgumentException} naming the key ({@code ProteinSettings}).
 */
package dev.orchard.engine.optimize.protein;
