/**
 * The Tree-structured Parzen Estimator: {@code tpe} (univariate) and {@code tpe-mv} (multivariate), after Optuna's
 * {@code TPESampler} ({@code optuna/samplers/_tpe/sampler.py}, {@code parzen_estimator.py},
 * {@code probability_distributions.py}, {@code _truncnorm.py}; Optuna 3.x/4.x defaults).
 *
 * <h2>Faithful to Optuna</h2>
 * <ul>
 *   <li>Split: the best {@code min(ceil(0.1 n), 25)} of the n completed and pruned trials form l(x), the rest g(x);
 *       completed trials rank before pruned ones; failed trials are in neither; running trials join g(x) under the
 *       constant liar.</li>
 *   <li>Weights: {@code default_weights} (ones below 25 observations, then a ramp from 1/n for the oldest), in trial
 *       order, plus one prior kernel of weight {@code prior_weight} (1.0).</li>
 *   <li>Bandwidths: univariate, the larger distance to the sorted neighbours (the prior's centre among them; ends per
 *       {@code consider_endpoints=false}); multivariate, {@code 0.2 n^(-1/(d+4)) (high - low)}; both clipped to
 *       [(high - low) / min(100, n + 2), high - low] by the magic clip. The prior: centred, sigma = high - low.</li>
 *   <li>Kernels: truncated normals; log parameters in log space; ints discretised over [low - 1/2, high + 1/2] (in log
 *       space for log ints, as Optuna's {@code _BatchedDiscreteTruncLogNormDistributions}); categorical kernels with
 *       {@code prior_weight / n_kernels} everywhere and +1 on the observed value.</li>
 *   <li>Acquisition: 24 draws from l(x), scored by log l(x) - log g(x), the first maximum wins.</li>
 *   <li>Multivariate: joint over the parameters every completed/pruned trial has (intersection search space); the
 *       others are sampled independently with the same estimator settings (so with the multivariate bandwidth).</li>
 *   <li>Numerics: log-space tail functions as {@code _truncnorm.py} (asymptotic series below -20, Newton inverse);
 *       {@code erfc} is fdlibm's, as Optuna's {@code _erf.py}.</li>
 * </ul>
 *
 * <h2>Where Orchard differs, and why</h2>
 * <ul>
 *   <li>{@code constant_liar} defaults to true (Optuna: false): Orchard suggests batches and runs trials in parallel.
 *       A running trial is a configuration suggested and not yet observed; an observation releases the first pending
 *       suggestion with the same parameters.</li>
 *   <li>Pruned trials rank among themselves by their last value only: an observation carries no step (Optuna ranks by
 *       the step reached, then the value). Stopped trials count like failed ones (Optuna has no such state).</li>
 *   <li>Numeric choices are ordinal: an int index 0..k-1 with step 1, so order is used (Optuna treats every choice as
 *       categorical). String and boolean choices are categorical.</li>
 *   <li>Ties in the bandwidth sort are broken stably (observation order, prior last); numpy's default argsort leaves
 *       them unspecified.</li>
 *   <li>{@code gamma} and {@code weights} are fixed to Optuna's defaults; {@code prior_weight} must be positive
 *       (Optuna allows 0); there is no group decomposition for conditional spaces in {@code tpe-mv}.</li>
 *   <li>Speed without changing results beyond rounding: discrete kernels sharing (mu, sigma) are evaluated once,
 *       kernels whose bound lies 50 nats below the prior's term are skipped, and log-sum-exp skips terms 50 nats
 *       below the largest (each under 2e-22 relative); a narrow interval's mass uses the midpoint rule with its
 *       curvature term, where a difference of CDFs would cancel. Tests compare with the kernel-by-kernel sum.</li>
 *   <li>Random streams: suggestion k draws from {@code Seeds.stream(seed, k)}; the startup suggestions are exactly the
 *       {@code random} optimizer's.</li>
 * </ul>
 */
package dev.orchard.engine.optimize.tpe;
