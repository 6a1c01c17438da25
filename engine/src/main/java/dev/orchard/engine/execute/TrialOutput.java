package dev.orchard.engine.execute;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The output of one run of a command trial, read from the trial's log file, which the trial writes itself (see
 * {@link CommandRunner}): the engine tails it from the run's first byte, so whatever the trial wrote while no engine
 * listened is read when one picks the run up. Lines are split in memory of bounded size (a line without end keeps
 * only its first {@code maxLineBytes}); {@code @orchard} lines become reports, all the way through.
 * <p>
 * At the end of the run ({@link #finish()}) the engine's notes are appended (malformed lines, non-finite values: the
 * first few each, then counts) and a run that wrote more than the log limit is cut back to it: the first
 * {@code logLimit} bytes, a note, then only its {@code @orchard} lines, so reading the run again gives the same reports.
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
    private static final byte[] REPORT = MetricLine.PREFIX.getBytes(StandardCharsets.UTF_8);

    private final Path logFile;
    /** Not a FileChannel: an interrupt (a stop of the sweep) would close one under the reader. */
    private final RandomAccessFile in;
    private final long offset;
    private final long logLimit;
    private final TrialContext ctx;
    private final String metric;
    private final byte[] buf = new byte[64 * 1024];

    private long position;
    /** Where the line being ended stops in the file: notes are left out for lines past the limit. */
    private long lineEnd;
    private byte lastByte = '\n';

    private final byte[] line;
    private int lineLength;
    private boolean lineCut;
    private long lineNumber;

    private long step = -1;
    private Double last;
    private long lastMetricStep = -1;
    private final ArrayDeque<String> tail = new ArrayDeque<>(TAIL_LINES);
    private final List<String> notes = new ArrayList<>();
    private int malformed;
    private int malformedNoted;
    private int nonFinite;
    private int nonFiniteNoted;
    private boolean finished;

    /**
     * Reads the run whose output begins at byte {@code offset} of {@code logFile}: earlier runs' output, kept before
     * it, stays as it is.
     */
    TrialOutput(Path logFile, long offset, long logLimit, int maxLineBytes, String metric, TrialContext ctx) throws IOException {
        this.logFile = logFile;
        this.in = new RandomAccessFile(logFile.toFile(), "r");
        this.offset = offset;
        this.position = offset;
        this.logLimit = logLimit;
        this.line = new byte[maxLineBytes];
        this.metric = metric;
        this.ctx = ctx;
    }

    /** Reads what the trial has written since the last call; true if there was anything. */
    boolean poll() throws IOException {
        boolean any = false;
        int n;
        while ((n = read(position, buf.length)) > 0) {
            any = true;
            byte[] b = buf;
            lastByte = b[n - 1];
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (b[i] == '\n') {
                    appendToLine(b, start, i - start);
                    lineEnd = position + i + 1;
                    endLine();
                    start = i + 1;
                }
            }
            appendToLine(b, start, n - start);
            position += n;
        }
        return any;
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

    /** The last ordinary output lines, each cut to a readable length: the context of an error message. */
    List<String> tail() {
        return List.copyOf(tail);
    }

    /**
     * The run has ended and nothing writes to the log any more: reads the rest, cuts the log back to the limit and
     * appends the notes, so whatever is appended next (a retry's separator, the next run) starts on its own line.
     */
    void finish() throws IOException {
        if (finished) {
            return;
        }
        finished = true;
        poll();
        if (lineLength > 0 || lineCut) {
            lineEnd = position;
            endLine();
        }
        if (malformed > malformedNoted) {
            notes.add("malformed metric lines ignored: " + malformed + " (" + malformedNoted + " noted above)");
        }
        if (nonFinite > nonFiniteNoted) {
            notes.add("report lines with values that are not finite: " + nonFinite + " (" + nonFiniteNoted + " noted above)");
        }
        try {
            if (position - offset > logLimit) {
                cutBack();
            } else {
                appendNotes();
            }
        } catch (IOException e) {
            LOG.warn("cannot finish trial log {}: {}", logFile, e.getMessage());
        }
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            LOG.debug("closing {}: {}", logFile, e.getMessage());
        }
    }

    private void appendNotes() throws IOException {
        if (notes.isEmpty() && lastByte == '\n') {
            return;
        }
        try (OutputStream out = Files.newOutputStream(logFile, StandardOpenOption.APPEND)) {
            writeNotes(out, lastByte != '\n');
        }
    }

    private void writeNotes(OutputStream out, boolean newlineFirst) throws IOException {
        if (newlineFirst) {
            out.write('\n');
        }
        for (String n : notes) {
            out.write(("[orchard] " + n + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Rewrites the log as: everything before this run, the run's output up to the limit (at a line end when there is
     * one), a note, the run's {@code @orchard} lines after the limit, the notes. Built beside it and renamed into
     * place, so a crash leaves the whole log or the cut one, never half.
     */
    private void cutBack() throws IOException {
        long end = position;
        long cut = offset + logLimit;
        long lineEnd = lastNewlineBefore(cut);
        boolean cleanCut = lineEnd > offset;
        if (cleanCut) {
            cut = lineEnd;
        }
        Path tmp = logFile.resolveSibling(logFile.getFileName() + ".cut");
        long dropped = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            copy(0, cut, out);
            if (!cleanCut) {
                out.write('\n');
            }
            out.write(("[orchard] log truncated: the output reached the limit of " + size(logLimit)
                    + "; past it only its @orchard lines are kept\n").getBytes(StandardCharsets.UTF_8));
            dropped = keepReportLines(cut, end, out);
            writeNotes(out, false);
            out.write(("[orchard] " + dropped + " more bytes of output were not kept\n").getBytes(StandardCharsets.UTF_8));
        }
        try {
            Files.move(tmp, logFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, logFile, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The position just after the last newline in [offset, before), or offset when there is none. */
    private long lastNewlineBefore(long before) throws IOException {
        long at = before;
        while (at > offset) {
            int len = (int) Math.min(buf.length, at - offset);
            long from = at - len;
            int n = readFully(from, len);
            for (int i = n - 1; i >= 0; i--) {
                if (buf[i] == '\n') {
                    return from + i + 1;
                }
            }
            at = from;
        }
        return offset;
    }

    private int read(long from, int len) throws IOException {
        in.seek(from);
        return in.read(buf, 0, len);
    }

    private int readFully(long from, int len) throws IOException {
        int total = 0;
        while (total < len) {
            in.seek(from + total);
            int n = in.read(buf, total, len - total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    private void copy(long from, long to, OutputStream out) throws IOException {
        for (long at = from; at < to; ) {
            int n = readFully(at, (int) Math.min(buf.length, to - at));
            if (n <= 0) {
                break;
            }
            out.write(buf, 0, n);
            at += n;
        }
    }

    /** Copies the whole report lines of [from, to) that fit the line buffer; returns the bytes left out. */
    private long keepReportLines(long from, long to, OutputStream out) throws IOException {
        long dropped = 0;
        int len = 0;
        boolean cut = false;
        for (long at = from; at < to; ) {
            int n = readFully(at, (int) Math.min(buf.length, to - at));
            if (n <= 0) {
                break;
            }
            byte[] b = buf;
            for (int i = 0; i < n; i++) {
                if (b[i] == '\n') {
                    dropped += keepIfReport(len, cut, out);
                    len = 0;
                    cut = false;
                } else if (len < line.length) {
                    line[len++] = b[i];
                } else {
                    cut = true;
                    dropped++;
                }
            }
            at += n;
        }
        if ((len > 0 || cut) && keepIfReport(len, cut, out) > 0) {
            dropped += len; // the last line had no newline
        }
        return dropped;
    }

    /** Writes the line when it is a whole report line; returns the bytes left out (the newline included). */
    private int keepIfReport(int len, boolean cut, OutputStream out) throws IOException {
        if (!cut && startsWithReport(line, len)) {
            out.write(line, 0, len);
            out.write('\n');
            return 0;
        }
        return len + 1;
    }

    private static boolean startsWithReport(byte[] b, int len) {
        if (len < REPORT.length) {
            return false;
        }
        for (int i = 0; i < REPORT.length; i++) {
            if (b[i] != REPORT[i]) {
                return false;
            }
        }
        return true;
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

    /** True once this run's output passed the limit: from there on only counts are kept, no notes. */
    private boolean pastLimit() {
        return lineEnd - offset > logLimit;
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
        if (!r.nonFinite().isEmpty() && ++nonFinite <= MAX_NOTES && !pastLimit()) {
            nonFiniteNoted++;
            notes.add("not stored (not finite) at line " + lineNumber + ": " + r.nonFinite());
        }
    }

    private void malformed(String reason) {
        if (++malformed <= MAX_NOTES && !pastLimit()) {
            malformedNoted++;
            notes.add("ignored malformed metric line " + lineNumber + ": " + reason);
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
