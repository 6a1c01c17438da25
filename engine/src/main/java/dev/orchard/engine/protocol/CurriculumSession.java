package dev.orchard.engine.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchard.engine.curriculum.Curriculum;
import dev.orchard.engine.curriculum.Sample;
import dev.orchard.engine.curriculum.Update;
import dev.orchard.engine.json.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The curriculum protocol over JSON lines (one request a line, one answer a line):
 * <pre>
 * {"op":"sample"}                               → {"task":"t17","label":"easy"}   (+ "params" for generated tasks)
 * {"op":"sample","step":50,"total":1000}        → {"task":"t3","label":...,"bin":2}   (difficulty bins)
 * {"op":"update","task":"t17","score":0.8}      → {"ok":true}
 * {"op":"update_batch","updates":[{"task":"t1","score":1},...]} → {"ok":true,"count":N}
 * {"op":"stats"}                                → the curriculum's metrics
 * </pre>
 * A bad line gets {@code {"error":"..."}} and changes nothing; the session goes on. Many sessions may share one
 * {@link dev.orchard.engine.curriculum.SharedCurriculum} (one per TCP client).
 */
public final class CurriculumSession extends JsonLinesSession {
    private final Curriculum curriculum;

    /** The longest request line read by default, in bytes: room for an update_batch of some 100 000 updates. */
    public static final int MAX_LINE = 10_000_000;

    public CurriculumSession(Curriculum curriculum) {
        this(curriculum, MAX_LINE);
    }

    /** A session reading request lines of at most {@code maxLine} bytes. */
    public CurriculumSession(Curriculum curriculum, int maxLine) {
        super(maxLine, List.of("sample", "update", "update_batch", "stats"));
        this.curriculum = curriculum;
    }

    /** Errors of the curriculum itself (an unknown task, a score out of range) are the client's. */
    @Override
    protected Optional<String> clientError(RuntimeException e) {
        return e instanceof IllegalArgumentException ? Optional.ofNullable(e.getMessage()) : Optional.empty();
    }

    @Override
    protected Object answer(String op, JsonNode req) {
        return switch (op) {
            case "sample" -> sample(req);
            case "update" -> {
                Update u = update(req, "");
                curriculum.update(u.task(), u.score());
                yield Json.object().put("ok", true);
            }
            case "update_batch" -> {
                JsonNode us = req.get("updates");
                if (us == null || !us.isArray()) {
                    throw new IllegalArgumentException("update_batch needs \"updates\": a list of {\"task\":...,\"score\":...}");
                }
                List<Update> batch = new ArrayList<>();
                for (int i = 0; i < us.size(); i++) {
                    batch.add(update(us.get(i), "updates[" + i + "]."));
                }
                curriculum.updateBatch(batch);
                yield Json.object().put("ok", true).put("count", batch.size());
            }
            case "stats" -> curriculum.stats();
            default -> throw unknownOp(op);
        };
    }

    private ObjectNode sample(JsonNode req) {
        JsonNode step = req.get("step");
        JsonNode total = req.get("total");
        Sample s;
        if (step == null && total == null) {
            s = curriculum.sample();
        } else {
            if (step == null || total == null || !step.canConvertToLong() || !total.canConvertToLong() || !step.isIntegralNumber()
                    || !total.isIntegralNumber() || step.asLong() < 0 || total.asLong() < 1) {
                throw new IllegalArgumentException("sample takes \"step\" (an integer >= 0) and \"total\" (an integer >= 1) together, got step "
                        + step + ", total " + total);
            }
            s = curriculum.sample(step.asLong(), total.asLong());
        }
        ObjectNode out = Json.object().put("task", s.task().id());
        if (!s.task().label().isEmpty()) {
            out.put("label", s.task().label());
        }
        if (!s.task().params().isEmpty()) {
            out.set("params", Json.tree(s.task().params()));
        }
        s.bin().ifPresent(b -> out.put("bin", b));
        return out;
    }

    private static Update update(JsonNode req, String at) {
        if (req == null || !req.isObject()) {
            throw new IllegalArgumentException(at + "expected {\"task\":...,\"score\":...}");
        }
        JsonNode t = req.get("task");
        if (t == null || !t.isTextual()) {
            throw new IllegalArgumentException(at + "task: needed, the id a sample returned, got " + t);
        }
        JsonNode s = req.get("score");
        if (s == null || !s.isNumber()) {
            throw new IllegalArgumentException(at + "score: needed, a number in [0, 1], got " + s);
        }
        if (!(s.asDouble() >= 0 && s.asDouble() <= 1)) {
            throw new IllegalArgumentException(at + "score: must be in [0, 1], got " + s.asText());
        }
        return new Update(t.asText(), s.asDouble());
    }
}
