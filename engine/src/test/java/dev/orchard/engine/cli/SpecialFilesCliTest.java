package dev.orchard.engine.cli;

import dev.orchard.engine.json.InputFiles;
import dev.orchard.engine.json.SpecialFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.orchard.engine.cli.CliTest.cli;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What is not a regular file, or is larger than the limit, is refused by every command that reads a file the user
 * names: at once, with exit code 2 and one line naming the path and what it is, and nothing stored is touched.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a FIFO opened by mistake would block for good
class SpecialFilesCliTest {
    @TempDir
    Path tmp;

    /** Each refused input and the problem its message must state. */
    private final Map<Path, String> refused = new LinkedHashMap<>();

    @BeforeEach
    void specialFiles() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("in"));
        refused.put(Path.of("/dev/zero"), "/dev/zero: a character device, not a regular file");
        Path fifo = SpecialFiles.fifo(dir);
        refused.put(fifo, fifo + ": a FIFO (named pipe), not a regular file");
        Path folder = Files.createDirectories(dir.resolve("folder.json"));
        refused.put(folder, folder + ": a directory, not a regular file");
        Path link = Files.createSymbolicLink(dir.resolve("zero.json"), Path.of("/dev/zero"));
        refused.put(link, link + ": a character device (/dev/zero), not a regular file");
        Path huge = SpecialFiles.sparse(dir, InputFiles.DOCUMENT_MAX + 1);
        refused.put(huge, huge + ": larger than 50 MB");
    }

    private static void assertRefused(CliTest.Result r, String message) {
        assertThat(r.code()).as(r.err()).isEqualTo(Main.BAD_INPUT);
        assertThat(r.err().strip()).as("one line, no stack trace").doesNotContain("\n").endsWith(message);
    }

    @Test
    void validateAndRunRefuseBeforeOpeningTheDatabase() {
        Path db = tmp.resolve("run/history");
        refused.forEach((file, message) -> {
            assertRefused(cli("validate", file.toString()), message);
            assertRefused(cli("run", file.toString(), "--db", db.toString(), "--quiet"), message);
        });
        assertThat(db.getParent()).doesNotExist();
    }

    @Test
    void importRefusesAndKeepsWhatIsStored() {
        String db = tmp.resolve("import/history").toString();
        CliTest.Result run = cli("run", CliTest.SAMPLE.toString(), "--db", db, "--budget", "2", "--quiet");
        assertThat(run.code()).as(run.err()).isZero();
        refused.forEach((file, message) -> assertRefused(cli("import", file.toString(), "--db", db), message));
        CliTest.Result list = cli("list", "--db", db);
        assertThat(list.out()).contains("branin-quickstart").doesNotContain("experiment 2");
        assertThat(cli("show", "1", "--db", db).out()).contains("trials 2: 2 completed");
    }

    @Test
    void theOtherFileOptionsRefuseToo() {
        refused.forEach((file, message) -> {
            String f = file.toString();
            assertRefused(cli("ask-tell", "--space", f), message);
            assertRefused(cli("curriculum", "serve", "--algorithm", "difficulty_bins", "--tasks", f, "--no-store"), message);
            assertRefused(cli("bench", "optimizers", "--index", f, "--problems", "branin", "--optimizers", "random", "--seeds", "1",
                    "-o", tmp.resolve("bench.csv").toString()), message);
        });
        // data sets: streamed, so only the kinds are refused (50 MB is well under their limit)
        refused.entrySet().stream().filter(e -> !e.getValue().endsWith("50 MB")).forEach(e -> assertRefused(
                cli("curves", "fit", "--data", e.getKey().toString(), "--agent-features", "lr", "--model", tmp.resolve("model").toString()),
                e.getValue()));
    }
}
