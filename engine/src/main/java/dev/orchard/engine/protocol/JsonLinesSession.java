package dev.orchard.engine.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orchard.engine.json.Json;
import dev.orchard.engine.json.LineReader;
import dev.orchard.engine.json.RefusedInputException;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON-lines protocol: one request object a line, named by its {@code "op"}, one answer a line. A bad line gets
 * {@code {"error":"..."}} and changes nothing; the session goes on. A line longer than the session's limit is the
 * exception: it is answered with an error and the client is dropped, since the rest of it cannot be told from the next
 * request without reading it all. Subclasses answer the ops.
 */
public abstract class JsonLinesSession {
    private final int maxLine;
    private final List<String> ops;

    /** A request the client got wrong: its message is the answer. */
    protected static final class ProtocolException extends RuntimeException {
        public ProtocolException(String message) {
            super(message);
        }
    }

    protected JsonLinesSession(int maxLine, List<String> ops) {
        this.maxLine = maxLine;
        this.ops = List.copyOf(ops);
    }

    /**
     * Serves until end of input; each answer is flushed at once so a client can wait for it. A line longer than
     * {@link #maxLine()} bytes is answered with {@link #refusal} and ends the session with the exception.
     */
    public void serve(InputStream in, PrintStream out, String source) throws IOException {
        LineReader lines = new LineReader(in, maxLine, source);
        try {
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                out.println(handle(line));
                out.flush();
            }
        } catch (RefusedInputException e) {
            out.println(refusal(e));
            out.flush();
            throw e;
        }
    }

    /** The most bytes a request line may have: a longer one is refused as soon as the limit is passed, never buffered. */
    public int maxLine() {
        return maxLine;
    }

    /** The answer to a line over the limit, after which the client is dropped. */
    public static String refusal(RefusedInputException e) {
        return Json.write(Map.of("error", e.problem() + ", the most a request line may have; the client is dropped"));
    }

    /** Answers one request line. */
    public String handle(String line) {
        try {
            JsonNode req = request(line);
            return Json.write(answer(req.get("op").asText(), req));
        } catch (ProtocolException e) {
            return Json.write(Map.of("error", e.getMessage()));
        } catch (RuntimeException e) {
            return Json.write(Map.of("error", clientError(e).orElse("internal error: " + e)));
        }
    }

    /** The answer to a well-formed request (an object with a textual {@code op}). */
    protected abstract Object answer(String op, JsonNode req);

    /** The message of an exception the client caused, if it is one (beyond {@link ProtocolException}). */
    protected Optional<String> clientError(RuntimeException e) {
        return Optional.empty();
    }

    /** The error for an op this protocol does not have. */
    protected final ProtocolException unknownOp(String op) {
        return new ProtocolException("unknown op '" + op + "'; expected one of " + String.join(", ", ops));
    }

    private JsonNode request(String line) {
        JsonNode req;
        try {
            req = Json.WIRE.readTree(line);
        } catch (JsonProcessingException e) {
            throw new ProtocolException("not JSON: " + e.getOriginalMessage());
        }
        if (req == null || !req.isObject()) {
            throw new ProtocolException("expected a JSON object like {\"op\":\"" + ops.get(0) + "\"}");
        }
        JsonNode op = req.get("op");
        if (op == null || !op.isTextual()) {
            throw new ProtocolException("missing \"op\"; expected one of " + String.join(", ", ops));
        }
        return req;
    }
}
