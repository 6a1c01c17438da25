package dev.orchard.engine.json;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Real special files for tests. */
public final class SpecialFiles {
    private SpecialFiles() {
    }

    /** A FIFO made with mkfifo: nobody ever writes to it, so opening it to read would block for good. */
    public static Path fifo(Path dir) throws Exception {
        Path f = dir.resolve("pipe.json");
        Process p = new ProcessBuilder("mkfifo", f.toString()).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("mkfifo failed: " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        return f;
    }

    /** A sparse file of {@code size} bytes: no blocks are written. */
    public static Path sparse(Path dir, long size) throws Exception {
        Path f = dir.resolve("huge.json");
        try (var raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(size);
        }
        return f;
    }
}
