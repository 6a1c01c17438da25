package dev.orchard.engine.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * The training objective: the curve's Gaussian negative log-likelihood per observed point, plus each VAE's
 * reconstruction error per feature dimension and β times its KL divergence per latent dimension. Every term is a mean
 * over its own dimensions, so they are on one scale (the reference summed the KL while averaging the reconstruction,
 * which made the KL dominate and the posterior collapse). β ramps up linearly over the warm-up epochs.
 * <p>
 * The likelihood term is weighted per point by the predicted standard deviation (without its gradient; "β-NLL",
 * Seitzer et al. 2022, with exponent ½): plain Gaussian likelihood lets a large variance excuse a poorly fit mean.
 * <p>
 * Labels: curve {@code [B, grid]}, mask {@code [B, grid]} (1 where observed), agent features, env features.
 */
final class ElboLoss extends Loss {
    private final boolean env;
    private volatile double beta;

    ElboLoss(boolean env) {
        super("elbo");
        this.env = env;
    }

    void beta(double b) {
        beta = b;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList p) {
        NDArray y = labels.get(0), mask = labels.get(1);
        NDArray mean = p.get(0), logVar = p.get(1);
        NDArray weight = logVar.mul(0.5f).exp().stopGradient().mul(mask);
        NDArray nll = logVar.add(y.sub(mean).square().div(logVar.exp())).mul(0.5f).mul(weight).sum().div(mask.sum().add(1e-6f));
        NDArray rec = p.get(4).sub(labels.get(2)).square().mean();
        NDArray kl = kl(p.get(2), p.get(3));
        if (env) {
            rec = rec.add(p.get(7).sub(labels.get(3)).square().mean());
            kl = kl.add(kl(p.get(5), p.get(6)));
        }
        return nll.add(rec).add(kl.mul((float) beta));
    }

    /** KL(N(μ, σ²) ‖ N(0, 1)), mean over batch and latent dimensions. */
    private static NDArray kl(NDArray mu, NDArray logVar) {
        return mu.square().add(logVar.exp()).sub(logVar).sub(1f).mul(0.5f).mean();
    }
}
