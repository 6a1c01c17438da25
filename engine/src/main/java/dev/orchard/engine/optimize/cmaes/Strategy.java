package dev.orchard.engine.optimize.cmaes;

/**
 * The strategy parameters of CMA-ES for dimension {@code n} and population {@code lambda}, as in Table 1 of Hansen,
 * "The CMA Evolution Strategy: A Tutorial" (arXiv:1604.00772, 2016), including the negative (active) weights.
 *
 * @param weights  all {@code lambda} recombination weights, best first: the first {@code mu} are positive and sum to 1,
 *                 the rest are zero or negative
 * @param sumWeights sum of all weights (the {@code Σ w_j} in the covariance update)
 */
record Strategy(int n, int lambda, int mu, double[] weights, double sumWeights, double mueff, double cSigma,
                double dSigma, double cC, double c1, double cMu, double chiN) {

    static Strategy of(int n, int lambda) {
        if (lambda < 2) {
            throw new IllegalArgumentException("CMA-ES needs a population of at least 2, got " + lambda);
        }
        int mu = lambda / 2;
        double[] raw = new double[lambda];
        for (int i = 0; i < lambda; i++) {
            raw[i] = Math.log((lambda + 1) / 2.0) - Math.log(i + 1);
        }
        double sumPos = 0, sumPos2 = 0, sumNeg = 0, sumNeg2 = 0;
        for (int i = 0; i < lambda; i++) {
            if (i < mu) {
                sumPos += raw[i];
                sumPos2 += raw[i] * raw[i];
            } else {
                sumNeg += raw[i];
                sumNeg2 += raw[i] * raw[i];
            }
        }
        double mueff = sumPos * sumPos / sumPos2;
        double mueffNeg = sumNeg2 > 0 ? sumNeg * sumNeg / sumNeg2 : 0;

        double cSigma = (mueff + 2) / (n + mueff + 5);
        double dSigma = 1 + 2 * Math.max(0, Math.sqrt((mueff - 1) / (n + 1)) - 1) + cSigma;
        double cC = (4 + mueff / n) / (n + 4 + 2 * mueff / n);
        double alphaCov = 2;
        double c1 = alphaCov / ((n + 1.3) * (n + 1.3) + mueff);
        double cMu = Math.min(1 - c1, alphaCov * (mueff - 2 + 1 / mueff) / ((n + 2.0) * (n + 2.0) + alphaCov * mueff / 2));
        cMu = Math.max(0, cMu);

        double alphaMuNeg = cMu > 0 ? 1 + c1 / cMu : Double.POSITIVE_INFINITY;
        double alphaMueffNeg = 1 + 2 * mueffNeg / (mueff + 2);
        double alphaPosdefNeg = cMu > 0 ? (1 - c1 - cMu) / (n * cMu) : Double.POSITIVE_INFINITY;
        double negScale = Math.min(alphaMuNeg, Math.min(alphaMueffNeg, alphaPosdefNeg));

        double[] w = new double[lambda];
        double sum = 0;
        for (int i = 0; i < lambda; i++) {
            if (i < mu) {
                w[i] = raw[i] / sumPos;
            } else {
                w[i] = sumNeg < 0 ? negScale * raw[i] / -sumNeg : 0; // raw[i] <= 0 here
            }
            sum += w[i];
        }
        double chiN = Math.sqrt(n) * (1 - 1.0 / (4 * n) + 1.0 / (21.0 * n * n));
        return new Strategy(n, lambda, mu, w, sum, mueff, cSigma, dSigma, cC, c1, cMu, chiN);
    }

    /**
     * Generations between eigendecompositions of C: the tutorial's lazy update, every {@code λ / ((c1 + cμ) n 10)}
     * evaluations, i.e. {@code 1 / ((c1 + cμ) n 10)} generations (at least 1).
     */
    int eigenGap() {
        return (int) Math.max(1, Math.floor(1 / ((c1 + cMu) * n * 10)));
    }

    /** Generations without improvement of the run's best value after which the run counts as stagnant. */
    int stagnationWindow() {
        return 10 + (int) Math.ceil(30.0 * n / lambda);
    }
}
