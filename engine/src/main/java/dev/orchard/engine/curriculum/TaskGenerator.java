package dev.orchard.engine.curriculum;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes tasks for a learning-progress pool. Task number k gets id {@code "t" + k}; what it is depends only on the
 * generator, the seed and k, so every process and every restart agrees on what {@code t17} means.
 */
public sealed interface TaskGenerator {

    /** Task number {@code number} under {@code seed}. */
    Task generate(long number, long seed);

    static String id(long number) {
        return "t" + number;
    }

    /** Always the same configuration (fresh ids, so repeated presentations can still be told apart and evicted). */
    record Single(String label, Map<String, Object> params, double baseline) implements TaskGenerator {
        public Single {
            params = Map.copyOf(params);
        }

        @Override
        public Task generate(long number, long seed) {
            return new Task(id(number), label, params, baseline);
        }
    }

    /**
     * One value per bucket: from a list of values or uniformly from a span; the label names the family (per-label stats),
     * {@code params} holds the chosen values.
     */
    record Bucketed(String label, Map<String, Bucket> buckets, double baseline) implements TaskGenerator {
        public Bucketed {
            buckets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(buckets));
            if (buckets.isEmpty()) {
                throw new CurriculumException("a bucketed generator needs at least one bucket");
            }
        }

        @Override
        public Task generate(long number, long seed) {
            Map<String, Object> params = new LinkedHashMap<>();
            int j = 0;
            for (var e : buckets.entrySet()) {
                double u = Rng.unit(seed, Rng.hash(number, j++));
                params.put(e.getKey(), e.getValue().pick(u));
            }
            return new Task(id(number), label, params, baseline);
        }
    }

    /** A generator chosen per task with probability proportional to its weight. */
    record Weighted(List<Entry> entries) implements TaskGenerator {
        public Weighted {
            entries = List.copyOf(entries);
            if (entries.isEmpty()) {
                throw new CurriculumException("a weighted generator needs at least one entry");
            }
        }

        @Override
        public Task generate(long number, long seed) {
            double total = entries.stream().mapToDouble(Entry::weight).sum();
            double u = Rng.unit(seed, Rng.hash(number, -1)) * total;
            for (int i = 0; i < entries.size(); i++) {
                u -= entries.get(i).weight();
                if (u < 0 || i == entries.size() - 1) {
                    return entries.get(i).generator().generate(number, Rng.hash(seed, i + 1));
                }
            }
            throw new IllegalStateException();
        }
    }

    record Entry(double weight, TaskGenerator generator) {
        public Entry {
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new CurriculumException("a weight must be a finite number > 0, got " + weight);
            }
        }
    }

    /** Where a bucket's value comes from. */
    sealed interface Bucket {
        Object pick(double u);
    }

    /** One of the listed values, each alike. */
    record Values(List<Object> values) implements Bucket {
        public Values {
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new CurriculumException("a bucket needs at least one value");
            }
        }

        @Override
        public Object pick(double u) {
            return values.get(Math.min(values.size() - 1, (int) (u * values.size())));
        }
    }

    /** Uniform in [low, high]; integers when both ends are integers. */
    record Span(double low, double high, boolean integer) implements Bucket {
        public Span {
            if (!(low <= high) || Double.isInfinite(low) || Double.isInfinite(high)) {
                throw new CurriculumException("a span needs finite low <= high, got [" + low + ", " + high + "]");
            }
        }

        @Override
        public Object pick(double u) {
            if (integer) {
                long lo = (long) low;
                long width = (long) high - lo + 1;
                return lo + Math.min(width - 1, (long) (u * width));
            }
            return low + u * (high - low);
        }
    }
}
