package dev.orchard.engine.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.optimize.Observation;
import dev.orchard.engine.optimize.Optimizer;
import dev.orchard.engine.schedule.Decision;
import dev.orchard.engine.schedule.Launch;
import dev.orchard.engine.schedule.Scheduler;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.TrialState;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The ask/tell protocol of DESIGN.md over JSON lines: one request object a line in, one answer object a line out.
 * <pre>
 * {"op":"ask"}                                  → {"trial":0,"params":{...}}
 * {"op":"tell","trial":0,"value":1.5}           → {"ok":true}   (optional "cost": seconds or any cost unit)
 * {"op":"tell","trial":0,"state":"failed"}      → {"ok":true}
 * {"op":"tell","trial":0,"state":"pruned","value":0.7} → {"ok":true}
 * {"op":"best"}                                 → {"trial":N,"params":{...},"value":V}
 * {"op":"report","trial":0,"step":3,"value":0.7} → {"decision":"continue"}
 *                                                 or {"decision":"stop","reason":"...","details":{...}}   (with a scheduler)
 * </pre>
 * A bad line is answered with {@code {"error":"..."}} and the session goes on; end of input ends it. With a
 * {@link Scheduler}, every asked trial is started for it and every told one ended, and {@code report} answers its
 * decision on the intermediate value; a stopped trial is then told as {@code "state":"pruned"} with its last value (or
 * {@code "completed"} when the reason is that it reached its full budget). Later reports of a stopped trial are answered
 * {@code stop} again without asking the scheduler.
 */
public final class AskTellSession extends JsonLinesSession {

    private final Optimizer optimizer;
    private final Direction direction;
    private final Map<Integer, Map<String, Object>> pending = new HashMap<>();
    private final Map<Integer, Map<String, Object>> told = new HashMap<>();
    private final Optional<Scheduler> scheduler;
    private final Map<Integer, Long> lastStep = new HashMap<>();
    private final Map<Integer, String> stopped = new HashMap<>();
    private int next;
    private int bestTrial = -1;
    private double bestValue;

    /** The longest request line read by default, in bytes: a tell or report is a few hundred. */
    public static final int MAX_LINE = 1_000_000;

    public AskTellSession(Optimizer optimizer, Direction direction) {
        this(optimizer, direction, Optional.empty());
    }

    /** A session whose {@code report}s are decided by {@code scheduler} (one that stops trials; it is never asked to launch). */
    public AskTellSession(Optimizer optimizer, Direction direction, Optional<Scheduler> scheduler) {
        this(optimizer, direction, scheduler, MAX_LINE);
    }

    /** As above, reading request lines of at most {@code maxLine} bytes. */
    public AskTellSession(Optimizer optimizer, Direction direction, Optional<Scheduler> scheduler, int maxLine) {
        super(maxLine, java.util.List.of("ask", "tell", "best", "report"));
        this.optimizer = optimizer;
        this.direction = direction;
        this.scheduler = scheduler;
    }

    @Override
    protected ObjectNode answer(String op, JsonNode req) {
        return switch (op) {
            case "ask" -> ask();
            case "tell" -> tell(req);
            case "best" -> best();
            case "report" -> report(req);
            default -> throw unknownOp(op);
        };
    }

    private ObjectNode ask() {
        var configs = optimizer.suggest(1);
        if (configs.isEmpty()) {
            throw new ProtocolException("the search space is exhausted: every configuration was suggested");
        }
        int trial = next++;
        pending.put(trial, configs.get(0));
        scheduler.ifPresent(s -> s.onStarted(trial, configs.get(0), Launch.FRESH));
        ObjectNode out = Json.object().put("trial", trial);
        out.set("params", Json.tree(configs.get(0)));
        return out;
    }

    /** The asked, not yet told trial a request names. */
    private int pendingTrial(JsonNode req, String op) {
        JsonNode t = req.get("trial");
        if (t == null || !t.isIntegralNumber() || !t.canConvertToInt()) {
            throw new ProtocolException(op + " needs \"trial\": the integer number that ask returned");
        }
        int trial = t.asInt();
        if (!pending.containsKey(trial)) {
            throw new ProtocolException(told.containsKey(trial) ? "trial " + trial + " was already told"
                    : "unknown trial " + trial + "; ask first");
        }
        return trial;
    }

    private ObjectNode report(JsonNode req) {
        if (scheduler.isEmpty()) {
            throw new ProtocolException("report needs a scheduler to decide; start ask-tell with --scheduler asha, hyperband or median");
        }
        int trial = pendingTrial(req, "report");
        JsonNode st = req.get("step");
        if (st == null || !st.isIntegralNumber() || !st.canConvertToLong() || st.asLong() < 0) {
            throw new ProtocolException("report needs \"step\": an integer >= 0 (epochs, iterations, ...)");
        }
        JsonNode v = req.get("value");
        if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw new ProtocolException("report needs \"value\": a finite number, got " + (v == null ? "none" : v.toString()));
        }
        String already = stopped.get(trial);
        if (already != null) {
            return Json.object().put("decision", "stop").put("reason", "already stopped: " + already);
        }
        long step = st.asLong();
        lastStep.put(trial, step);
        Decision d = scheduler.get().onReport(trial, step, v.asDouble());
        ObjectNode out = Json.object().put("decision", d.kind().name().toLowerCase(java.util.Locale.ROOT));
        if (!d.reason().isEmpty()) {
            out.put("reason", d.reason());
        }
        if (!d.details().isEmpty()) {
            out.set("details", Json.tree(d.details()));
        }
        if (d.kind() == Decision.Kind.STOP) {
            stopped.put(trial, d.reason());
        }
        return out;
    }

    private ObjectNode tell(JsonNode req) {
        int trial = pendingTrial(req, "tell");
        Map<String, Object> params = pending.get(trial);
        TrialState state = TrialState.COMPLETED;
        JsonNode s = req.get("state");
        if (s != null) {
            if (!s.isTextual()) {
                throw new ProtocolException("\"state\" must be a string: completed, failed or pruned");
            }
            try {
                state = TrialState.parse(s.asText());
            } catch (IllegalArgumentException e) {
                throw new ProtocolException(e.getMessage());
            }
            if (state != TrialState.COMPLETED && state != TrialState.FAILED && state != TrialState.PRUNED) {
                throw new ProtocolException("\"state\" must be completed, failed or pruned, got " + s.asText());
            }
        }
        OptionalDouble value = OptionalDouble.empty();
        JsonNode v = req.get("value");
        if (v != null && !v.isNull()) {
            if (!v.isNumber()) {
                throw new ProtocolException("\"value\" must be a number, got " + v);
            }
            if (!Double.isFinite(v.asDouble())) {
                throw new ProtocolException("\"value\" must be finite, got " + v.asText()
                        + "; tell a diverged trial as {\"op\":\"tell\",\"trial\":" + trial + ",\"state\":\"failed\"}");
            }
            value = OptionalDouble.of(v.asDouble());
        }
        if (state == TrialState.FAILED) {
            value = OptionalDouble.empty();
        } else if (value.isEmpty()) {
            throw new ProtocolException("tell of a " + state.wire() + " trial needs \"value\"");
        }
        OptionalDouble cost = OptionalDouble.empty();
        JsonNode c = req.get("cost");
        if (c != null && !c.isNull()) {
            if (!c.isNumber() || !Double.isFinite(c.asDouble()) || c.asDouble() < 0) {
                throw new ProtocolException("\"cost\" must be a finite number >= 0, got " + c);
            }
            cost = OptionalDouble.of(c.asDouble());
        }
        optimizer.observe(new Observation(trial, params, state, value, cost));
        pending.remove(trial);
        told.put(trial, params);
        stopped.remove(trial);
        TrialState ended = state;
        OptionalDouble endValue = value;
        scheduler.ifPresent(sch -> sch.onEnded(trial, ended, endValue, lastStep.getOrDefault(trial, 0L)));
        lastStep.remove(trial);
        if (state == TrialState.COMPLETED && (bestTrial < 0 || direction.better(value.getAsDouble(), bestValue))) {
            bestTrial = trial;
            bestValue = value.getAsDouble();
        }
        return Json.object().put("ok", true);
    }

    private ObjectNode best() {
        if (bestTrial < 0) {
            throw new ProtocolException("no completed trial yet");
        }
        ObjectNode out = Json.object().put("trial", bestTrial);
        out.set("params", Json.tree(told.get(bestTrial)));
        out.put("value", bestValue);
        return out;
    }
}
