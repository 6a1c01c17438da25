package dev.orchard.engine.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr: redrawn in place at most ten times a second on a terminal; on a pipe or log file
 * one line every tenth of the way, so logs stay readable. (A progress-bar library would bring a terminal library
 * along and warn on pipes; this is all the CLI needs.)
 */
final class ProgressLine {
    private final PrintStream out;
    private final String label;
    private final int total;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long lastDraw;
    private int lastDecile = -1;
    private int lastDone = -1;

    ProgressLine(PrintStream out, String label, int total, boolean terminal) {
        this.out = out;
        this.label = Format.truncate(Format.safe(label), 60);
        this.total = Math.max(1, total);
        this.terminal = terminal;
    }

    synchronized void update(int done, String extra, boolean force) {
        long now = System.nanoTime();
        if (terminal) {
            if (!force && now - lastDraw < 100_000_000L) {
                return;
            }
            lastDraw = now;
            out.print("\r" + line(done, extra) + "\u001b[K");
        } else {
            int decile = done * 10 / total;
            if ((decile == lastDecile && !force) || done == lastDone) {
                return;
            }
            lastDecile = decile;
            lastDone = done;
            out.println(line(done, extra));
        }
        out.flush();
    }

    synchronized void finish(int done, String extra) {
        update(done, extra, true);
        if (terminal) {
            out.println();
        }
    }

    private String line(int done, String extra) {
        int width = 30;
        int filled = (int) ((long) Math.min(done, total) * width / total);
        double secs = (System.nanoTime() - start) / 1e9;
        return String.format(Locale.ROOT, "%s [%s%s] %d/%d  %.1fs  %s", label, "#".repeat(filled), "-".repeat(width - filled),
                done, total, secs, extra);
    }
}
