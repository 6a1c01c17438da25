package dev.orchard.engine.store;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted for a test, to fill a real disk. Mounting needs root on Linux: where it is impossible the
 * test is skipped with the reason, except on CI ({@code CI=true}), which runs as root and must run it.
 */
public final class Tmpfs implements AutoCloseable {
    private final Path dir;

    private Tmpfs(Path dir) {
        this.dir = dir;
    }

    public static Tmpfs mount(Path dir, int megabytes) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            unavailable("a tmpfs needs Linux");
        }
        String out = run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString());
        if (out != null) {
            unavailable("cannot mount a tmpfs at " + dir + " (the disk-full tests need root on Linux): " + out.strip());
        }
        return new Tmpfs(dir);
    }

    private static void unavailable(String why) {
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail(why);
        }
        Assumptions.abort(why);
    }

    /** Runs a command; null if it succeeded, else its output. */
    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? null : out;
    }

    public Path dir() {
        return dir;
    }

    private Path filler() {
        return dir.resolve("filler");
    }

    /** Fills the disk to the last byte (a file {@code filler}); returns how much it took. */
    public long fill() throws IOException {
        long written = 0;
        try (OutputStream out = Files.newOutputStream(filler(), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND)) {
            for (int chunk : new int[]{1 << 16, 1 << 12, 1}) {
                byte[] bytes = new byte[chunk];
                try {
                    while (true) {
                        out.write(bytes);
                        out.flush();
                        written += chunk;
                    }
                } catch (IOException full) {
                    // the next, smaller chunk takes what is left
                }
            }
        } catch (IOException closing) {
            // closing a file on a full disk may complain; what was written stays
        }
        return written;
    }

    /** Fills the disk but for about {@code bytes}. */
    public void fillLeaving(long bytes) throws IOException {
        long free = Files.getFileStore(dir).getUsableSpace();
        try (OutputStream out = Files.newOutputStream(filler())) {
            byte[] chunk = new byte[1 << 16];
            for (long left = free - bytes; left > 0; left -= chunk.length) {
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
    }

    /** Gives the disk's space back. */
    public void free() throws IOException {
        Files.deleteIfExists(filler());
    }

    public long usable() throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (run("umount", dir.toString()) != null) {
            run("umount", "-l", dir.toString()); // something still holds a file there: detach it all the same
        }
    }
}
