package dev.orchard.engine.execute;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Helpers for tests that run real processes. */
public final class Processes {
    private Processes() {
    }

    /** True when an executable of that name is on the PATH. */
    public static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    /** True while the process runs (a zombie, dead but not yet reaped by its parent, does not count). */
    public static boolean running(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return false;
        }
        Path stat = Path.of("/proc", String.valueOf(pid), "stat");
        try {
            String s = Files.readString(stat);
            char state = s.charAt(s.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            // on Linux a pid without a readable stat is gone; elsewhere trust isAlive
            return !Files.isDirectory(Path.of("/proc/self"));
        }
    }

    /** Waits until none of the processes runs; false if some still does after {@code timeout}. */
    public static boolean allGone(List<Long> pids, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pids.stream().anyMatch(Processes::running)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Writes an executable {@code #!/bin/sh} script. */
    public static Path script(Path file, String body) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        if (!file.toFile().setExecutable(true)) {
            throw new IOException("cannot make " + file + " executable");
        }
        return file;
    }

    /** Kills what a failed test may have left running. */
    public static void killAll(List<Long> pids) {
        pids.forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
    }

    /** Waits until the file holds at least {@code lines} lines (written by a script) and returns them as pids. */
    public static List<Long> awaitPids(Path file, int lines, Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (Files.exists(file)) {
                List<String> ls = Files.readAllLines(file).stream().map(String::trim).filter(l -> !l.isEmpty()).toList();
                if (ls.size() >= lines) {
                    return ls.stream().map(Long::parseLong).toList();
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no pids in " + file + " after " + timeout);
            }
            Thread.sleep(10);
        }
    }
}
