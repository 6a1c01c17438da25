package dev.orchard.engine.optimize.tpe;

/**
 * The standard normal distribution's tail functions as TPE needs them: fast (a few tens of nanoseconds), accurate to a
 * few ulps, and usable in log space far into the tails.
 *
 * <p>{@link #erfc(double)} is the complementary error function of fdlibm ({@code s_erf.c}), the same rational
 * approximations Optuna vectorises in {@code optuna/samplers/_tpe/_erf.py}. Hipparchus' {@code Erf.erfc} computes the
 * same function through the incomplete gamma function's continued fraction and is ten times slower (about 300 ns a
 * call); the discrete kernels evaluate it once per kernel and candidate (tens of thousands of calls per suggestion at a
 * thousand observations), so the fdlibm form is used here and the tests check it against Hipparchus.
 *
 * <pre>
 * ====================================================
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *
 * Developed at SunPro, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice
 * is preserved.
 * ====================================================
 * </pre>
 */
final class Gauss {
    private Gauss() {
    }

    /** log(sqrt(2 pi)): the log normaliser of the standard normal density. */
    static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
    private static final double SQRT_HALF = Math.sqrt(0.5);
    private static final double LOG_2 = Math.log(2);
    private static final double LOGISTIC_C = Math.sqrt(3) / Math.PI;

    // fdlibm s_erf.c coefficients
    private static final double ERX = 8.45062911510467529297e-01;
    private static final double PP0 = 1.28379167095512558561e-01, PP1 = -3.25042107247001499370e-01,
            PP2 = -2.84817495755985104766e-02, PP3 = -5.77027029648944159157e-03, PP4 = -2.37630166566501626084e-05;
    private static final double QQ1 = 3.97917223959155352819e-01, QQ2 = 6.50222499887672944485e-02,
            QQ3 = 5.08130628187576562776e-03, QQ4 = 1.32494738004321644526e-04, QQ5 = -3.96022827877536812320e-06;
    private static final double PA0 = -2.36211856075265944077e-03, PA1 = 4.14856118683748331666e-01,
            PA2 = -3.72207876035701323847e-01, PA3 = 3.18346619901161753674e-01, PA4 = -1.10894694282396677476e-01,
            PA5 = 3.54783043256182359371e-02, PA6 = -2.16637559486879084300e-03;
    private static final double QA1 = 1.06420880400844228286e-01, QA2 = 5.40397917702171048937e-01,
            QA3 = 7.18286544141962662868e-02, QA4 = 1.26171219808761642112e-01, QA5 = 1.36370839120290507362e-02,
            QA6 = 1.19844998467991074170e-02;
    private static final double RA0 = -9.86494403484714822705e-03, RA1 = -6.93858572707181764372e-01,
            RA2 = -1.05586262253232909814e+01, RA3 = -6.23753324503260060396e+01, RA4 = -1.62396669462573470355e+02,
            RA5 = -1.84605092906711035994e+02, RA6 = -8.12874355063065934246e+01, RA7 = -9.81432934416914548592e+00;
    private static final double SA1 = 1.96512716674392571292e+01, SA2 = 1.37657754143519042600e+02,
            SA3 = 4.34565877475229228821e+02, SA4 = 6.45387271733267880336e+02, SA5 = 4.29008140027567833386e+02,
            SA6 = 1.08635005541779435134e+02, SA7 = 6.57024977031928170135e+00, SA8 = -6.04244152148580987438e-02;
    private static final double RB0 = -9.86494292470009928597e-03, RB1 = -7.99283237680523006574e-01,
            RB2 = -1.77579549177547519889e+01, RB3 = -1.60636384855821916062e+02, RB4 = -6.37566443368389627722e+02,
            RB5 = -1.02509513161107724954e+03, RB6 = -4.83519191608651397019e+02;
    private static final double SB1 = 3.03380607434824582924e+01, SB2 = 3.25792512996573918826e+02,
            SB3 = 1.53672958608443695994e+03, SB4 = 3.19985821950859553908e+03, SB5 = 2.55305040643316442583e+03,
            SB6 = 4.74528541206955367215e+02, SB7 = -2.24409524465858183362e+01;

    /** The complementary error function 1 - erf(x), accurate in relative terms down to its underflow near x = 27. */
    static double erfc(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        double ax = Math.abs(x);
        if (ax < 0.84375) {
            if (ax < 0x1p-56) {
                return 1.0 - x;
            }
            double z = x * x;
            double r = PP0 + z * (PP1 + z * (PP2 + z * (PP3 + z * PP4)));
            double s = 1.0 + z * (QQ1 + z * (QQ2 + z * (QQ3 + z * (QQ4 + z * QQ5))));
            double y = r / s;
            if (x < 0.25) {
                return 1.0 - (x + x * y);
            }
            return 0.5 - (x * y + (x - 0.5));
        }
        if (ax < 1.25) {
            double s = ax - 1.0;
            double p = PA0 + s * (PA1 + s * (PA2 + s * (PA3 + s * (PA4 + s * (PA5 + s * PA6)))));
            double q = 1.0 + s * (QA1 + s * (QA2 + s * (QA3 + s * (QA4 + s * (QA5 + s * QA6)))));
            return x >= 0 ? (1.0 - ERX) - p / q : 1.0 + (ERX + p / q);
        }
        if (ax < 28) {
            double s = 1.0 / (ax * ax);
            double r;
            double q;
            if (ax < 1 / 0.35) {
                r = RA0 + s * (RA1 + s * (RA2 + s * (RA3 + s * (RA4 + s * (RA5 + s * (RA6 + s * RA7))))));
                q = 1.0 + s * (SA1 + s * (SA2 + s * (SA3 + s * (SA4 + s * (SA5 + s * (SA6 + s * (SA7 + s * SA8)))))));
            } else {
                if (x < -6) {
                    return 2.0;
                }
                r = RB0 + s * (RB1 + s * (RB2 + s * (RB3 + s * (RB4 + s * (RB5 + s * RB6)))));
                q = 1.0 + s * (SB1 + s * (SB2 + s * (SB3 + s * (SB4 + s * (SB5 + s * (SB6 + s * SB7))))));
            }
            // z is ax with the low 32 bits cleared, so z*z is exact and exp(-x*x) keeps full relative accuracy
            double z = Double.longBitsToDouble(Double.doubleToRawLongBits(ax) & 0xffffffff00000000L);
            double e = Math.exp(-z * z - 0.5625) * Math.exp((z - ax) * (z + ax) + r / q);
            return x > 0 ? e / ax : 2.0 - e / ax;
        }
        return x > 0 ? 0.0 : 2.0;
    }

    /** Standard normal CDF Phi(a). */
    static double ndtr(double a) {
        return 0.5 * erfc(-a * SQRT_HALF);
    }

    /**
     * log Phi(a) for a ≤ 0 (Optuna's {@code _log_ndtr_negative}): direct above -20, the asymptotic series of the
     * Mills ratio below, where Phi itself underflows near -38.
     */
    static double logNdtrNegative(double a) {
        if (a > -20) {
            return Math.log(0.5 * erfc(-a * SQRT_HALF));
        }
        if (a == Double.NEGATIVE_INFINITY) {
            return Double.NEGATIVE_INFINITY;
        }
        double logLhs = -0.5 * a * a - Math.log(-a) - LOG_SQRT_2PI;
        double last = 0.0;
        double rhs = 1.0;
        double numerator = 1.0;
        double denomFactor = 1.0;
        double denomCons = 1.0 / (a * a);
        double sign = 1.0;
        int i = 0;
        while (Math.abs(last - rhs) > Math.ulp(1.0) && i < 100) {
            i++;
            last = rhs;
            sign = -sign;
            denomFactor *= denomCons;
            numerator *= 2 * i - 1;
            rhs += sign * numerator * denomFactor;
        }
        return logLhs + Math.log(rhs);
    }

    /** log Phi(a) for any a. */
    static double logNdtr(double a) {
        if (a <= 0) {
            return logNdtrNegative(a);
        }
        return Math.log1p(-0.5 * erfc(a * SQRT_HALF));
    }

    /** Standard normal log density. */
    static double normLogPdf(double z) {
        return -0.5 * z * z - LOG_SQRT_2PI;
    }

    /**
     * The x with log Phi(x) = y (y ≤ 0), by Newton's method from an asymptotic or logistic first guess, as Optuna's
     * {@code _ndtri_exp}: stays accurate where Phi(x) or 1 - Phi(x) is far below double precision.
     */
    static double ndtriExp(double y) {
        if (Double.isNaN(y)) {
            return Double.NaN;
        }
        if (y >= 0) {
            return Double.POSITIVE_INFINITY;
        }
        if (y == Double.NEGATIVE_INFINITY) {
            return Double.NEGATIVE_INFINITY;
        }
        boolean flipped = y > -LOG_2;
        if (flipped) {
            // solve log Phi(-x) = log(1 - exp(y)) instead, which lies below -log 2: x stays negative in the loop
            y = Math.log(-Math.expm1(y));
            if (y == Double.NEGATIVE_INFINITY) {
                return Double.POSITIVE_INFINITY;
            }
        }
        double x = y < -5 ? -Math.sqrt(-2.0 * (y + LOG_SQRT_2PI)) : -LOGISTIC_C * Math.log(Math.expm1(-y));
        for (int it = 0; it < 100; it++) {
            double logNdtrX = logNdtrNegative(x);
            double dx = (logNdtrX - y) * Math.exp(logNdtrX - normLogPdf(x));
            x -= dx;
            if (!(Math.abs(dx) >= 1e-8 * -x)) { // also ends on NaN
                break;
            }
        }
        return flipped ? -x : x;
    }
}
