package dev.orchard.engine.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Special and over-large files are refused quickly with a message naming the path; nothing is read past a limit. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a FIFO opened by mistake would block for good
class InputFilesTest {
    @TempDir
    Path tmp;

    @Test
    void readsRegularFilesAndFollowsLinksToThem() throws Exception {
        Path f = Files.writeString(tmp.resolve("a.json"), "{\"ä\":1}");
        Path link = Files.createSymbolicLink(tmp.resolve("link.json"), f);
        assertThat(InputFiles.readString(f, 100)).isEqualTo("{\"ä\":1}");
        assertThat(InputFiles.readString(link, 100)).isEqualTo("{\"ä\":1}");
        assertThat(InputFiles.readString(f, 9)).hasSize(7); // 9 bytes: the limit is inclusive
        assertThatThrownBy(() -> InputFiles.readString(tmp.resolve("missing.json"), 100)).isInstanceOf(NoSuchFileException.class);
        Files.write(tmp.resolve("latin1.json"), new byte[]{'"', (byte) 0xe4, '"'});
        assertThatThrownBy(() -> InputFiles.readString(tmp.resolve("latin1.json"), 100)).isInstanceOf(MalformedInputException.class);
    }

    @Test
    void refusesDevicesFifosDirectoriesAndLinksToThemByWhatTheyAre() throws Exception {
        assertThatThrownBy(() -> InputFiles.readString(Path.of("/dev/zero"), InputFiles.DOCUMENT_MAX))
                .isInstanceOf(RefusedInputException.class).hasMessage("/dev/zero: a character device, not a regular file");
        Path fifo = SpecialFiles.fifo(tmp);
        assertThatThrownBy(() -> InputFiles.readString(fifo, InputFiles.DOCUMENT_MAX))
                .isInstanceOf(RefusedInputException.class).hasMessage(fifo + ": a FIFO (named pipe), not a regular file");
        assertThatThrownBy(() -> InputFiles.lines(tmp, InputFiles.DATA_MAX, 100))
                .isInstanceOf(RefusedInputException.class).hasMessage(tmp + ": a directory, not a regular file");
        Path link = Files.createSymbolicLink(tmp.resolve("zero.json"), Path.of("/dev/zero"));
        assertThatThrownBy(() -> InputFiles.open(link, 100))
                .isInstanceOf(RefusedInputException.class).hasMessage(link + ": a character device (/dev/zero), not a regular file");
    }

    @Test
    void refusesAFileOverTheLimitByItsSizeWithoutReadingIt() throws Exception {
        Path f = SpecialFiles.sparse(tmp, InputFiles.DOCUMENT_MAX + 1);
        assertThatThrownBy(() -> InputFiles.readString(f, InputFiles.DOCUMENT_MAX))
                .isInstanceOf(RefusedInputException.class).hasMessage(f + ": larger than 50 MB");
    }

    /** /proc files report a size of 0; a file may grow after its size was checked: the read itself stops at the limit. */
    @Test
    void stopsAtTheLimitWhateverSizeTheFileReported() throws Exception {
        Path status = Path.of("/proc/self/status");
        assertThat(Files.size(status)).isZero();
        assertThatThrownBy(() -> InputFiles.readString(status, 100))
                .isInstanceOf(RefusedInputException.class).hasMessage("/proc/self/status: larger than 100 bytes");

        Path growing = Files.writeString(tmp.resolve("growing.jsonl"), "{}\n");
        try (LineReader r = InputFiles.lines(growing, 1000, 100)) {
            Files.writeString(growing, "{}\n".repeat(1000), StandardOpenOption.APPEND);
            assertThatThrownBy(() -> {
                while (r.readLine() != null) {
                    // read on
                }
            }).isInstanceOf(RefusedInputException.class).hasMessage(growing + ": larger than 1000 bytes");
        }
    }

    /** A small gzip file that unpacks to far more than the limit is stopped at the limit of unpacked bytes. */
    @Test
    void boundsWhatAGzipFileUnpacksTo() throws Exception {
        Path bomb = tmp.resolve("bomb.jsonl.gz");
        byte[] lines = "{\"x\":0}\n".repeat(8192).getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(bomb))) {
            for (int i = 0; i < 1024; i++) { // 64 MB unpacked
                out.write(lines);
            }
        }
        assertThat(Files.size(bomb)).isLessThan(1 << 20);
        try (LineReader r = InputFiles.lines(bomb, 1 << 20, 100)) {
            assertThat(r.readLine()).isEqualTo("{\"x\":0}");
            assertThatThrownBy(() -> {
                while (r.readLine() != null) {
                    // read on
                }
            }).isInstanceOf(RefusedInputException.class).hasMessage(bomb + ": unpacks to more than 1 MB");
        }
        Path small = tmp.resolve("small.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(small))) {
            out.write("{\"x\":1}\n{\"x\":2}\n".getBytes(StandardCharsets.UTF_8));
        }
        try (LineReader r = Json.textReader(small)) {
            assertThat(r.readLine()).isEqualTo("{\"x\":1}");
            assertThat(r.readLine()).isEqualTo("{\"x\":2}");
            assertThat(r.readLine()).isNull();
        }
    }
}
