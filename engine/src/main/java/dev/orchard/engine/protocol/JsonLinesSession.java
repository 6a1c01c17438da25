package dev.orchard.engine.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.orchard.engine.json.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A JSON-lines protocol: one request object a line, named by its {@code "op"}, one answer a line. A bad line gets
 * {@code {"error":"..."}} and changes nothing; the session goes on. Subclasses answer the ops.
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

    /** Serves until end of input; each answer is flushed at once so a client can wait for it. */
    public void serve(BufferedReader in, PrintStream out) throws IOException {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
                continue;
            }
            out.println(handle(line));
            out.flush();
        }
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
        if (line.length() > maxLine) {
            throw new ProtocolException("line longer than " + maxLine + " characters");
        }
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
