package dev.orchard.engine.json;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads UTF-8 lines, ended by {@code \n} (a {@code \r} before it is dropped), holding at most {@code maxLine} bytes of
 * one line plus a small read buffer: a line that goes on past the limit is refused as soon as the limit is passed,
 * whether it would ever end or not ({@link java.io.BufferedReader#readLine} buffers it whole first).
 * After a refusal the reader is left mid-line; its owner closes it.
 */
public final class LineReader implements Closeable {
    private final InputStream in;
    private final int maxLine;
    private final String source;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int end;
    private byte[] line = new byte[256];
    private long lineNumber;
    private boolean eof;

    /** {@code source} names the input in errors: a file, "standard input", a client. */
    public LineReader(InputStream in, int maxLine, String source) {
        if (maxLine < 1) {
            throw new IllegalArgumentException("maxLine must be at least 1, got " + maxLine);
        }
        this.in = in;
        this.maxLine = maxLine;
        this.source = source;
    }

    /** The next line without its terminator, or null at the end of input. */
    public String readLine() throws IOException {
        if (eof) {
            return null;
        }
        int len = 0;
        lineNumber++;
        while (true) {
            if (pos == end) {
                end = in.read(buf, 0, buf.length);
                pos = 0;
                if (end <= 0) {
                    end = 0;
                    eof = true;
                    if (len == 0) {
                        lineNumber--;
                        return null;
                    }
                    return text(len);
                }
            }
            int start = pos;
            while (pos < end && buf[pos] != '\n') {
                pos++;
            }
            int n = pos - start;
            if (len + n > maxLine) {
                throw new RefusedInputException(source, "line " + lineNumber + " is longer than " + InputFiles.size(maxLine));
            }
            if (len + n > line.length) {
                line = Arrays.copyOf(line, (int) Math.min(maxLine, Math.max(2L * line.length, len + n)));
            }
            System.arraycopy(buf, start, line, len, n);
            len += n;
            if (pos < end) {
                pos++; // the '\n'
                return text(len);
            }
        }
    }

    /** The number of the line last read (1 for the first). */
    public long lineNumber() {
        return lineNumber;
    }

    private String text(int len) {
        if (len > 0 && line[len - 1] == '\r') {
            len--;
        }
        return new String(line, 0, len, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
