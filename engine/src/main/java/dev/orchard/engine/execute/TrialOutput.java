package dev.orchard.engine.execute;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The output of one run of a command trial. Bytes go to the trial's log file as they come, up to a limit (then a
 * note, and the rest is only counted); lines are split in memory of bounded size (a line without end keeps only its
 * first {@code maxLineBytes}), so a flood of output costs neither the memory nor, beyond the limit, the disk.
 * {@code @orchard} lines are parsed all the way through, also past the limit; malformed ones are counted and the
 * first few noted in the log, and never fail the trial.
 */
final class TrialOutput implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(TrialOutput.class);
    static final int TAIL_LINES = 15;
    /**
     * Notes of each kind (malformed lines, non-finite values) written before only a count is kept; past the log limit
     * there are none, only the count at the end.
     */
    static final int MAX_NOTES = 10;
    private static final int TAIL_LINE_CHARS = 500;

    private final Path logFile;
    private final OutputStream log;
    private final long logLimit;
    private final TrialContext ctx;
    private final String metric;

    private long logged;
    private long dropped;
    private boolean truncated;
    private boolean logBroken;
    private boolean atLineStart = true;

    private final byte[] line;
    private int lineLength;
    private boolean lineCut;
    private long lineNumber;

    private long step = -1;
    private Double last;
    private long lastMetricStep = -1;
    private final ArrayDeque<String> tail = new ArrayDeque<>(TAIL_LINES);
    private int malformed;
    private int malformedNoted;
    private int nonFinite;
    private int nonFiniteNoted;

    /** Opens (appends to) the trial's log file: a retried or resumed trial keeps what its earlier runs wrote. */
    TrialOutput(Path logFile, long logLimit, int maxLineBytes, String metric, TrialContext ctx) throws IOException {
        this.logFile = logFile;
        this.log = new BufferedOutputStream(Files.newOutputStream(logFile, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
        this.logLimit = logLimit;
        this.line = new byte[maxLineBytes];
        this.metric = metric;
        this.ctx = ctx;
    }

    /** Reads the process's output to its end. */
    void consume(InputStream in) throws IOException {
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    writeLog(buf, start, i + 1 - start);
                    appendToLine(buf, start, i - start);
                    endLine();
                    start = i + 1;
                }
            }
            if (start < n) {
                writeLog(buf, start, n - start);
                appendToLine(buf, start, n - start);
            }
        }
        if (lineLength > 0 || lineCut) {
            endLine();
        }
    }

    /** The last step reported (-1 when none). */
    long step() {
        return step;
    }

    /** The last value of the objective's metric (possibly non-finite), or null when it was never reported. */
    Double lastMetric() {
        return last;
    }

    long lastMetricStep() {
        return lastMetricStep;
    }

    int malformedLines() {
        return malformed;
    }

    /** Bytes of output not kept in the log (past the limit). */
    long droppedBytes() {
        return dropped;
    }

    /** The last ordinary output lines, each cut to a readable length: the context of an error message. */
    List<String> tail() {
        return List.copyOf(tail);
    }

    /** Writes a line {@code [orchard] text} into the log, past the limit too (such notes are few and short). */
    void note(String text) {
        if (logBroken) {
            return;
        }
        try {
            if (!atLineStart) {
                log.write('\n');
            }
            log.write(("[orchard] " + text + "\n").getBytes(StandardCharsets.UTF_8));
            atLineStart = true;
        } catch (IOException e) {
            broken(e);
        }
    }

    /** Writes the counts that the notes left out and closes the log. */
    @Override
    public void close() {
        if (malformed > malformedNoted) {
            note("malformed metric lines ignored: " + malformed + " (" + malformedNoted + " noted above)");
        }
        if (nonFinite > nonFiniteNoted) {
            note("report lines with values that are not finite: " + nonFinite + " (" + nonFiniteNoted + " noted above)");
        }
        if (truncated) {
            note(dropped + " more bytes of output were not kept");
        }
        try {
            if (!atLineStart && !logBroken) {
                log.write('\n'); // whatever is appended next (a retry's separator) starts on its own line
            }
            log.close();
        } catch (IOException e) {
            broken(e);
        }
    }

    private void writeLog(byte[] b, int off, int n) {
        if (logBroken || n == 0) {
            return;
        }
        if (truncated) {
            dropped += n;
            return;
        }
        int keep = (int) Math.min(n, logLimit - logged);
        try {
            log.write(b, off, keep);
            logged += keep;
            if (keep > 0) {
                atLineStart = b[off + keep - 1] == '\n';
            }
            if (keep < n) {
                truncated = true;
                dropped += n - keep;
                note("log truncated: the output reached the limit of " + size(logLimit)
                        + "; the rest is not kept (its @orchard lines are still read)");
            }
        } catch (IOException e) {
            broken(e);
        }
    }

    private void broken(IOException e) {
        if (!logBroken) {
            logBroken = true;
            LOG.warn("cannot write trial log {}: {}; the trial goes on without it", logFile, e.getMessage());
        }
    }

    private void appendToLine(byte[] b, int off, int n) {
        int room = line.length - lineLength;
        if (n > room) {
            lineCut = true;
        }
        int take = Math.min(n, room);
        System.arraycopy(b, off, line, lineLength, take);
        lineLength += take;
    }

    private void endLine() {
        lineNumber++;
        int end = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
        String text = new String(line, 0, end, StandardCharsets.UTF_8);
        boolean cut = lineCut;
        lineLength = 0;
        lineCut = false;
        if (!MetricLine.isReport(text)) {
            if (tail.size() == TAIL_LINES) {
                tail.removeFirst();
            }
            tail.addLast(text.length() > TAIL_LINE_CHARS || cut ? text.substring(0, Math.min(text.length(), TAIL_LINE_CHARS)) + "…" : text);
            return;
        }
        if (cut) {
            malformed("longer than " + size(line.length));
            return;
        }
        MetricLine r;
        try {
            r = MetricLine.parse(text, step);
        } catch (IllegalArgumentException bad) {
            malformed(bad.getMessage());
            return;
        }
        if (!r.values().isEmpty()) {
            try {
                ctx.report(r.step(), r.values());
            } catch (IllegalArgumentException refused) {
                malformed(refused.getMessage());
                return;
            }
        }
        step = r.step();
        if (r.values().containsKey(metric) || r.nonFinite().containsKey(metric)) {
            last = r.values().containsKey(metric) ? r.values().get(metric) : r.nonFinite().get(metric);
            lastMetricStep = step;
        }
        if (!r.nonFinite().isEmpty() && ++nonFinite <= MAX_NOTES && !truncated) {
            nonFiniteNoted++;
            note("not stored (not finite): " + r.nonFinite());
        }
    }

    private void malformed(String reason) {
        if (++malformed <= MAX_NOTES && !truncated) {
            malformedNoted++;
            note("ignored malformed metric line " + lineNumber + ": " + reason);
        }
    }

    static String size(long bytes) {
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " bytes";
    }
}
