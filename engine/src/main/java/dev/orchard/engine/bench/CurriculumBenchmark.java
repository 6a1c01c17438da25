package dev.orchard.engine.bench;

import dev.orchard.engine.curriculum.Curricula;
import dev.orchard.engine.curriculum.Curriculum;
import dev.orchard.engine.curriculum.CurriculumSpec;
import dev.orchard.engine.curriculum.Task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * A simulated student for comparing curricula. Learnable tasks form {@code chains} prerequisite chains of
 * {@code depth} tasks; a task is learnable once the one before it in its chain is mastered (true success ≥ 0.8), and
 * from then on its success grows with practice as σ((k − k50)/width), k50 drawn per seed in [k50Low, k50High]; before
 * that it fails always (and practice teaches nothing). Beside them: impossible tasks (p = 0), pure-noise tasks
 * (Bernoulli {@code noiseP}, 0.5 by default) and trivial tasks (p = {@code trivialP}, 0.98). {@link #heldOut} gives
 * other students, to see whether a curriculum's advantage generalises. An episode = one sampled task, one Bernoulli outcome told to the
 * curriculum as its score. Measured: episodes until the mean true success over learnable tasks reaches 0.8 (capped at
 * {@code maxEpisodes}), and the share of episodes on impossible, noisy and trivial tasks.
 */
public final class CurriculumBenchmark {
    private CurriculumBenchmark() {
    }

    /**
     * A student: {@code chains} × {@code depth} learnable tasks, k50 ~ U[k50Low, k50High], sigmoid width {@code width};
     * {@code impossible} tasks at p = 0, {@code noisy} at p = {@code noiseP}, {@code trivial} at p = {@code trivialP}.
     */
    public record Setup(int chains, int depth, int impossible, int noisy, int trivial, double k50Low, double k50High,
                        double width, long maxEpisodes, double noiseP, double trivialP) {
        public static final Setup DEFAULT = new Setup(4, 5, 5, 5, 5, 10, 30, 4, 200_000);

        /** The benchmark's own student with noisy tasks at 0.5 and trivial ones at 0.98. */
        public Setup(int chains, int depth, int impossible, int noisy, int trivial, double k50Low, double k50High,
                     double width, long maxEpisodes) {
            this(chains, depth, impossible, noisy, trivial, k50Low, k50High, width, maxEpisodes, 0.5, 0.98);
        }

        public int learnable() {
            return chains * depth;
        }

        public int size() {
            return learnable() + impossible + noisy + trivial;
        }

        public String describe() {
            return String.format(java.util.Locale.ROOT,
                    "%d learnable tasks in %d chains of %d (k50 %.0f–%.0f, width %.0f), %d impossible, %d noisy (p %.2f), %d trivial (p %.2f)",
                    learnable(), chains, depth, k50Low, k50High, width, impossible, noisy, noiseP, trivial, trivialP);
        }
    }

    /**
     * Held-out students: the curricula's defaults were chosen on {@link Setup#DEFAULT} only; these change the number of
     * tasks, the prerequisite depth, the learning speed and the share and kind of distractors, to show whether a
     * curriculum's advantage generalises.
     */
    public static java.util.LinkedHashMap<String, Setup> heldOut(long maxEpisodes) {
        var m = new java.util.LinkedHashMap<String, Setup>();
        m.put("wide", new Setup(10, 2, 5, 5, 5, 10, 30, 4, maxEpisodes));          // many short chains
        m.put("deep", new Setup(2, 10, 5, 5, 5, 10, 30, 4, maxEpisodes));          // few long chains
        m.put("quick", new Setup(4, 5, 5, 5, 5, 3, 10, 1.5, maxEpisodes));         // fast learner
        m.put("slow", new Setup(4, 5, 5, 5, 5, 30, 80, 10, maxEpisodes));          // slow learner
        m.put("distracted", new Setup(3, 4, 12, 12, 12, 10, 30, 4, maxEpisodes));  // 3/4 of the tasks are distractors
        m.put("clean", new Setup(4, 5, 0, 0, 0, 10, 30, 4, maxEpisodes));          // no distractors at all
        m.put("skewed", new Setup(5, 4, 2, 10, 8, 5, 40, 6, maxEpisodes, 0.25, 0.9)); // other noise and trivial levels
        m.put("large", new Setup(8, 6, 15, 15, 15, 10, 30, 4, maxEpisodes));      // 93 tasks
        return m;
    }

    /** A method: makes a chooser for a seed (the chooser sees the episode number and, for the oracle, the student). */
    public record Method(String name, BiFunction<Setup, Long, Chooser> make) {
    }

    public interface Chooser {
        int choose(long episode, Student student);

        void tell(int task, double score);
    }

    public record Run(String method, long seed, long episodes, boolean reached, double impossibleShare, double noisyShare,
                      double trivialShare) {
    }

    /** Task i: learnable (chain i / depth, level i % depth), then impossible, noisy, trivial. */
    public static List<Task> tasks(Setup s) {
        List<Task> t = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            t.add(new Task("t" + i, kind(s, i), Map.of(), 0));
        }
        return t;
    }

    public static String kind(Setup s, int i) {
        if (i < s.learnable()) {
            return "learnable";
        }
        i -= s.learnable();
        return i < s.impossible ? "impossible" : i < s.impossible + s.noisy ? "noisy" : "trivial";
    }

    /** The student's true state. */
    public static final class Student {
        final Setup s;
        final double[] k50;
        final long[] practice;
        final boolean[] unlocked;

        Student(Setup s, long seed) {
            this.s = s;
            SplittableRandom r = new SplittableRandom(seed * 31 + 7);
            k50 = new double[s.learnable()];
            practice = new long[s.learnable()];
            unlocked = new boolean[s.learnable()];
            for (int i = 0; i < k50.length; i++) {
                k50[i] = s.k50Low + r.nextDouble() * (s.k50High - s.k50Low);
                unlocked[i] = i % s.depth == 0;
            }
        }

        /** True success probability of task i. */
        public double p(int i) {
            if (i < s.learnable()) {
                return unlocked[i] ? 1 / (1 + Math.exp(-(practice[i] - k50[i]) / s.width)) : 0;
            }
            return switch (kind(s, i)) {
                case "impossible" -> 0;
                case "noisy" -> s.noiseP;
                default -> s.trivialP;
            };
        }

        boolean learnable(int i) {
            return i < s.learnable();
        }

        boolean unlocked(int i) {
            return i < s.learnable() && unlocked[i];
        }

        void practise(int i) {
            if (i < s.learnable() && unlocked[i]) {
                practice[i]++;
                if (p(i) >= 0.8 && (i + 1) % s.depth != 0) {
                    unlocked[i + 1] = true;
                }
            }
        }

        double meanLearnable() {
            double m = 0;
            for (int i = 0; i < s.learnable(); i++) {
                m += p(i);
            }
            return m / s.learnable();
        }
    }

    public static Run run(Setup s, Method m, long seed) {
        Student st = new Student(s, seed);
        Chooser c = m.make().apply(s, seed);
        SplittableRandom outcomes = new SplittableRandom(seed * 1_000_003 + 11);
        long[] byKind = new long[3];
        long e = 0;
        boolean reached = false;
        while (e < s.maxEpisodes()) {
            if (st.meanLearnable() >= 0.8) {
                reached = true;
                break;
            }
            int task = c.choose(e, st);
            double score = outcomes.nextDouble() < st.p(task) ? 1 : 0;
            st.practise(task);
            c.tell(task, score);
            switch (kind(s, task)) {
                case "impossible" -> byKind[0]++;
                case "noisy" -> byKind[1]++;
                case "trivial" -> byKind[2]++;
                default -> {
                }
            }
            e++;
        }
        double n = Math.max(1, e);
        return new Run(m.name(), seed, e, reached, byKind[0] / n, byKind[1] / n, byKind[2] / n);
    }

    /**
     * uniform, oracle, both curricula with their defaults, each with the reference code's behaviour, and learning
     * progress with its earlier defaults: the window rule with a window of 20 ({@code window: 20}) and the rule before
     * it ({@code estimator: ema}).
     */
    public static List<Method> methods(long horizon) {
        return methods(horizon, Map.of());
    }

    /** As {@link #methods(long)}, with {@code lpOptions} given to the method {@code learning_progress}. */
    public static List<Method> methods(long horizon, Map<String, Object> lpOptions) {
        return List.of(
                new Method("uniform", (s, seed) -> new Chooser() {
                    final SplittableRandom r = new SplittableRandom(seed);

                    public int choose(long episode, Student student) {
                        return r.nextInt(s.size());
                    }

                    public void tell(int task, double score) {
                    }
                }),
                new Method("oracle", (s, seed) -> new Chooser() {
                    // knows the truth: practises the unlocked learnable task of lowest success until all are at 0.9
                    public int choose(long episode, Student student) {
                        int best = -1;
                        for (int i = 0; i < s.learnable(); i++) {
                            if (student.unlocked(i) && student.p(i) < 0.9 && (best < 0 || student.p(i) < student.p(best))) {
                                best = i;
                            }
                        }
                        return best < 0 ? 0 : best;
                    }

                    public void tell(int task, double score) {
                    }
                }),
                curriculum("learning_progress", "learning_progress", lpOptions, horizon),
                curriculum("learning_progress:w20", "learning_progress", Map.of("window", 20), horizon),
                curriculum("learning_progress:ema", "learning_progress", Map.of("estimator", "ema"), horizon),
                curriculum("learning_progress:reference", "learning_progress", Map.of("reference", true), horizon),
                curriculum("difficulty_bins", "difficulty_bins", Map.of("bins", 5, "total_steps", horizon), horizon),
                curriculum("difficulty_bins:reference", "difficulty_bins", Map.of("bins", 5, "total_steps", horizon, "reference", true), horizon),
                curriculum("easy_first", "difficulty_bins", Map.of("bins", 5, "strategy", "easy_first", "total_steps", horizon), horizon),
                curriculum("easy_first:reference", "difficulty_bins",
                        Map.of("bins", 5, "strategy", "easy_first", "total_steps", horizon, "reference", true), horizon));
    }

    static Method curriculum(String name, String algorithm, Map<String, Object> options, long horizon) {
        return new Method(name, (s, seed) -> {
            Curriculum c = Curricula.create(new CurriculumSpec(algorithm, options, tasks(s), Optional.empty(), seed));
            return new Chooser() {
                public int choose(long episode, Student student) {
                    return Integer.parseInt(c.sample(episode, horizon).task().id().substring(1));
                }

                public void tell(int task, double score) {
                    c.update("t" + task, score);
                }
            };
        });
    }

    /** Quantile q of the values (linear interpolation between order statistics). */
    public static double quantile(long[] values, double q) {
        long[] v = values.clone();
        Arrays.sort(v);
        double pos = q * (v.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(v.length - 1, lo + 1);
        return v[lo] + (pos - lo) * (v[hi] - v[lo]);
    }
}
