package dev.orchard.engine.optimize.gp;

/**
 * What the optimizer maximises over the cube, as a function of the posterior mean and standard deviation of the
 * (standardised) loss. Both kinds are for minimisation.
 */
sealed interface Acquisition permits Acquisition.LogExpectedImprovement, Acquisition.UpperConfidenceBound {

    /** The value at mean {@code μ} and standard deviation {@code σ}. */
    double value(double mean, double sd);

    /** {@code [value, ∂/∂μ, ∂/∂σ]}. */
    double[] valueAndPartials(double mean, double sd);

    /** The same acquisition against a new incumbent (Kriging believer may lower it). */
    Acquisition withBest(double best);

    /** Log expected improvement below {@code best} (see {@link LogEi}). */
    record LogExpectedImprovement(double best) implements Acquisition {
        @Override
        public double value(double mean, double sd) {
            return LogEi.value(mean, sd, best);
        }

        @Override
        public double[] valueAndPartials(double mean, double sd) {
            return LogEi.valueAndPartials(mean, sd, best);
        }

        @Override
        public Acquisition withBest(double b) {
            return new LogExpectedImprovement(b);
        }
    }

    /** The optimistic bound of the loss, negated: {@code −μ + √β σ} (the lower confidence bound of the loss). */
    record UpperConfidenceBound(double beta) implements Acquisition {
        @Override
        public double value(double mean, double sd) {
            return -mean + Math.sqrt(beta) * sd;
        }

        @Override
        public double[] valueAndPartials(double mean, double sd) {
            return new double[]{value(mean, sd), -1.0, Math.sqrt(beta)};
        }

        @Override
        public Acquisition withBest(double best) {
            return this;
        }
    }
}
