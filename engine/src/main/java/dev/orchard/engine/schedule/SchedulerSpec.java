package dev.orchard.engine.schedule;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How trials run, as the user writes it (JSON, snake_case). Each {@code type} takes its own settings; a setting left out
 * takes its default, a setting of another type is an error ({@link Schedulers#validate}):
 * <pre>
 * {"type":"sync_batch","batch_size":4}
 * {"type":"asha","parallel":4,"grace":1,"eta":3,"max_steps":81,"mode":"stop"}      (mode: stop | promote)
 * {"type":"hyperband","parallel":4,"grace":1,"eta":3,"max_steps":81,"mode":"stop"}
 * {"type":"median","parallel":4,"grace":5,"min_trials":5}
 * {"type":"pbt","population":8,"parallel":8,"interval":5,"generations":10,"quantile":0.25,"resample_probability":0.25}
 * {"type":"predictive","parallel":4,"grace":10,"max_steps":100,"min_trials":5,"model":"curves-model"}  (model optional)
 * </pre>
 * The components hold what was written ({@code null} where left out), so a spec writes back as it was read; only
 * {@code sync_batch}'s {@code batch_size} is filled in (1), as before there were other types.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SchedulerSpec(String type, Integer batchSize, Integer parallel, Long grace, Double eta, Long maxSteps,
                            String mode, Integer minTrials, Integer population, Long interval, Integer generations,
                            Double quantile, Double resampleProbability, String model) {

    public static final SchedulerSpec DEFAULT = new SchedulerSpec("sync_batch", 1);

    public SchedulerSpec {
        type = type == null ? "sync_batch" : type;
        batchSize = batchSize == null && "sync_batch".equals(type) ? Integer.valueOf(1) : batchSize;
    }

    /** {@code sync_batch} with a batch size. */
    public SchedulerSpec(String type, Integer batchSize) {
        this(type, batchSize, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** Every setting but {@code model} (which only {@code predictive} takes). */
    public SchedulerSpec(String type, Integer batchSize, Integer parallel, Long grace, Double eta, Long maxSteps, String mode,
                         Integer minTrials, Integer population, Long interval, Integer generations, Double quantile,
                         Double resampleProbability) {
        this(type, batchSize, parallel, grace, eta, maxSteps, mode, minTrials, population, interval, generations, quantile,
                resampleProbability, null);
    }

    /** Predictive early stopping; {@code model}: a curve model directory, or null for the sweep's own completed curves. */
    public static SchedulerSpec predictive(int parallel, long grace, long maxSteps, int minTrials, String model) {
        return new SchedulerSpec("predictive", null, parallel, grace, null, maxSteps, null, minTrials, null, null, null, null, null, model);
    }

    public static SchedulerSpec asha(int parallel, long grace, double eta, long maxSteps, String mode) {
        return new SchedulerSpec("asha", null, parallel, grace, eta, maxSteps, mode, null, null, null, null, null, null);
    }

    public static SchedulerSpec hyperband(int parallel, long grace, double eta, long maxSteps, String mode) {
        return new SchedulerSpec("hyperband", null, parallel, grace, eta, maxSteps, mode, null, null, null, null, null, null);
    }

    public static SchedulerSpec median(int parallel, long grace, int minTrials) {
        return new SchedulerSpec("median", null, parallel, grace, null, null, null, minTrials, null, null, null, null, null);
    }

    public static SchedulerSpec pbt(int population, long interval, int generations, double quantile, double resampleProbability) {
        return new SchedulerSpec("pbt", null, null, null, null, null, null, null, population, interval, generations, quantile,
                resampleProbability);
    }

    /**
     * {@code sync_batch}'s batch size. Other types have none (it is {@code null} in the record and absent from JSON) and
     * read as 1 here, so callers that show "×n" for batches need no null check.
     */
    @Override
    public Integer batchSize() {
        return batchSize == null ? Integer.valueOf(1) : batchSize;
    }

    /** The same spec running {@code n} trials at once ({@code batch_size} for sync_batch, else {@code parallel}). */
    public SchedulerSpec withParallel(int n) {
        return "sync_batch".equals(type)
                ? new SchedulerSpec(type, n, parallel, grace, eta, maxSteps, mode, minTrials, population, interval, generations, quantile, resampleProbability, model)
                : new SchedulerSpec(type, batchSize, n, grace, eta, maxSteps, mode, minTrials, population, interval, generations, quantile, resampleProbability, model);
    }

    /** The settings that were written, by their JSON names, in declaration order (this is also the JSON form). */
    @JsonValue
    public Map<String, Object> settings() {
        var m = new LinkedHashMap<String, Object>();
        m.put("type", type);
        put(m, "batch_size", batchSize);
        put(m, "parallel", parallel);
        put(m, "grace", grace);
        put(m, "eta", eta);
        put(m, "max_steps", maxSteps);
        put(m, "mode", mode);
        put(m, "min_trials", minTrials);
        put(m, "population", population);
        put(m, "interval", interval);
        put(m, "generations", generations);
        put(m, "quantile", quantile);
        put(m, "resample_probability", resampleProbability);
        put(m, "model", model);
        return m;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
