package dev.orchard.engine.experiment;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A command as one string ({@code "python3 train.py --lr {lr}"}, split into arguments the way a POSIX shell splits
 * words, with single and double quotes and backslash escapes, but never run through a shell) or as a list of strings.
 */
public final class CommandLineDeserializer extends JsonDeserializer<List<String>> {

    @Override
    public List<String> deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            try {
                return split(p.getText());
            } catch (IllegalArgumentException e) {
                throw InvalidFormatException.from(p, e.getMessage(), p.getText(), List.class);
            }
        }
        if (p.currentToken() == JsonToken.START_ARRAY) {
            var out = new ArrayList<String>();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (p.currentToken() != JsonToken.VALUE_STRING) {
                    throw InvalidFormatException.from(p, "every argument of a command must be a string", p.getText(), String.class);
                }
                out.add(p.getText());
            }
            return out;
        }
        return (List<String>) ctx.handleUnexpectedToken(List.class, p);
    }

    /** Splits a command line into words: whitespace separates, quotes group, backslash escapes (not in '...'). */
    public static List<String> split(String line) {
        var words = new ArrayList<String>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (c == '\\') {
                if (i + 1 >= line.length()) {
                    throw new IllegalArgumentException("command ends with a lone backslash");
                }
                cur.append(line.charAt(++i));
                inWord = true;
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(cur.toString());
                    cur.setLength(0);
                    inWord = false;
                }
            } else {
                cur.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("command has an unclosed " + quote + " quote");
        }
        if (inWord) {
            words.add(cur.toString());
        }
        return words;
    }
}
