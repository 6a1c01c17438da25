package dev.orchard.engine.execute;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Placeholder until the execute work lands: ends a recorded process group if its leader is the recorded process. */
public final class ProcessTree {
    private ProcessTree() {
    }

    public static String killOrphan(long pid, Instant startedAt, Duration grace) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return "process " + pid + " is gone";
        }
        Optional<Instant> start = h.get().info().startInstant();
        if (start.isPresent() && Math.abs(Duration.between(start.get(), startedAt).toMillis()) > 1000) {
            return "pid " + pid + " belongs to another process now; left alone";
        }
        signal("-TERM", pid);
        long deadline = System.nanoTime() + grace.toNanos();
        while (h.get().isAlive() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        signal("-KILL", pid);
        return "ended process group " + pid;
    }

    private static void signal(String sig, long pgid) {
        try {
            new ProcessBuilder("kill", sig, "--", "-" + pgid).redirectErrorStream(true).start().waitFor();
        } catch (Exception ignored) {
            // the group is gone
        }
    }
}
