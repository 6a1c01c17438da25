package dev.orchard.engine.execute;

import dev.orchard.engine.trial.TrialResult;
import dev.orchard.engine.trial.TrialState;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** A command trial's output: malformed report lines, floods, endless lines. The scripts are files (no placeholders). */
class CommandRunnerOutputTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void needsAPosixShell() {
        assumeTrue(Processes.onPath("sh") && Processes.onPath("head") && Processes.onPath("tr"), "needs sh, head and tr");
    }

    TestTrialContext ctx = null;

    TrialResult run(String script, long logLimit, int maxLine) throws Exception {
        Processes.script(dir.resolve("trial.sh"), script);
        ctx = new TestTrialContext(dir, 0, Map.of());
        return CommandRunner.builder(List.of("./trial.sh")).workdir(dir).metric("loss")
                .logLimitBytes(logLimit).maxLineBytes(maxLine).build().run(ctx);
    }

    TrialResult run(String script) throws Exception {
        return run(script, CommandRunner.DEFAULT_LOG_LIMIT, CommandRunner.DEFAULT_MAX_LINE);
    }

    @Test
    void malformedReportLinesAreNotedWithTheirLineNumberAndNeverFailTheTrial() throws Exception {
        TrialResult r = run(String.join("\n",
                "echo 'ordinary output'",                                          // 1
                "echo '@orchard {\"step\": 0, \"loss\": 3}'",                       // 2
                "echo '@orchard {\"loss\": 2.5'",                                   // 3 bad JSON
                "echo '@orchard \"loss\"'",                                         // 4 not an object
                "echo '@orchard {\"loss\": \"0.5\"}'",                              // 5 a string, not a number
                "echo '@orchard {}'",                                               // 6 nothing
                "echo '@orchard {\"step\": -4, \"loss\": 1}'",                      // 7 negative step
                "echo '@orchard {\"step\": 99999999999999999999, \"loss\": 1}'",    // 8 step beyond a long
                "echo '@orchard {\"step\": 1e30, \"loss\": 1}'",                    // 9 step not an integer
                "echo '@orchard {\"loss\": 1" + "0".repeat(150) + "}'",             // 10 number too long to read
                "echo '@orchard {\"loss\": 1, \"loss\": 2}'",                       // 11 duplicate key
                "echo '@orchard {\"acc\": 1e400}'",                                 // 12 overflows: not finite, step 1
                "echo '@orchard {\"acc\": 0.5, \"note\": \"kept aside\"}'",         // 13 fine, step 2
                "echo '@orchard {\"loss\": 2}'",                                    // 14 fine, step 3
                "echo '@orchard {\"step\": 12345678901234, \"loss\": 1.5}'"));      // 15 a big step is fine
        assertThat(r.state()).isEqualTo(TrialState.COMPLETED);
        assertThat(r.value()).hasValue(1.5);
        assertThat(r.lastStep()).isEqualTo(12345678901234L);
        assertThat(ctx.reports).containsExactly(
                Map.entry(0L, Map.of("loss", 3.0)),
                Map.entry(2L, Map.of("acc", 0.5)),
                Map.entry(3L, Map.of("loss", 2.0)),
                Map.entry(12345678901234L, Map.of("loss", 1.5)));
        List<String> notes = ctx.log().lines().filter(l -> l.startsWith("[orchard]")).toList();
        assertThat(notes).hasSize(10);
        assertThat(notes.get(0)).startsWith("[orchard] ignored malformed metric line 3: not JSON");
        assertThat(notes.get(1)).isEqualTo("[orchard] ignored malformed metric line 4: expected a JSON object after @orchard, got: \"loss\"");
        assertThat(notes.get(2)).isEqualTo("[orchard] ignored malformed metric line 5: no numeric value: \"loss\" is string, not a number");
        assertThat(notes.get(3)).isEqualTo("[orchard] ignored malformed metric line 6: no values in {}");
        assertThat(notes.get(4)).isEqualTo("[orchard] ignored malformed metric line 7: \"step\" must be a non-negative integer, got -4");
        assertThat(notes.get(5)).isEqualTo("[orchard] ignored malformed metric line 8: \"step\" must be a non-negative integer, got 99999999999999999999");
        assertThat(notes.get(6)).startsWith("[orchard] ignored malformed metric line 9: \"step\" must be a non-negative integer");
        assertThat(notes.get(7)).startsWith("[orchard] ignored malformed metric line 10: not JSON").contains("length");
        assertThat(notes.get(8)).startsWith("[orchard] ignored malformed metric line 11: not JSON").contains("Duplicate field 'loss'");
        assertThat(notes.get(9)).isEqualTo("[orchard] not stored (not finite) at line 12: {acc=Infinity}");
        // the notes follow the run's output, which stays in the log as the trial wrote it
        assertThat(ctx.log()).contains("@orchard {\"step\": 12345678901234, \"loss\": 1.5}\n[orchard] ignored malformed metric line 3");
    }

    @Test
    void afterTheFirstFewMalformedLinesOnlyACountIsKept() throws Exception {
        TrialResult r = run("i=0; while [ $i -lt 25 ]; do echo \"@orchard oops $i\"; i=$((i + 1)); done\n"
                + "echo '@orchard {\"loss\": 4}'");
        assertThat(r.state()).isEqualTo(TrialState.COMPLETED);
        String log = ctx.log();
        assertThat(log.lines().filter(l -> l.startsWith("[orchard] ignored malformed metric line"))).hasSize(TrialOutput.MAX_NOTES);
        assertThat(log).contains("[orchard] malformed metric lines ignored: 25 (10 noted above)");
        assertThat(log.lines().filter(l -> l.startsWith("@orchard oops"))).hasSize(25);
    }

    @Test
    void aFloodOfOutputIsCutAtTheLogLimitWhileReportsAreStillRead() throws Exception {
        long limit = 16 * 1024;
        // about 400 KB of output; the reports come after the limit
        TrialResult r = run("i=0; while [ $i -lt 4000 ]; do echo \"line $i: 0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890\"; i=$((i + 1)); done\n"
                + "echo '@orchard {\"step\": 7, \"loss\": 0.25}'\necho 'the very end'", limit, CommandRunner.DEFAULT_MAX_LINE);
        assertThat(r.state()).isEqualTo(TrialState.COMPLETED);
        assertThat(r.value()).hasValue(0.25);
        assertThat(r.lastStep()).isEqualTo(7);
        assertThat(ctx.reports).containsExactly(Map.entry(7L, Map.of("loss", 0.25)));
        String log = ctx.log();
        assertThat(Files.size(ctx.logFile())).isLessThan(limit + 1024);
        assertThat(log).startsWith("line 0: ").doesNotContain("line 3999").doesNotContain("the very end")
                .contains("[orchard] log truncated: the output reached the limit of 16 KiB; past it only its @orchard lines are kept\n"
                        + "@orchard {\"step\": 7, \"loss\": 0.25}\n")
                .containsPattern("\\[orchard] \\d+ more bytes of output were not kept\n$");
    }

    @Test
    void anEndlessLineCostsNoMoreThanItsLimit() throws Exception {
        // 20 MB without a newline, then a report; and a report line too long to be one
        TrialResult r = run("head -c 20000000 /dev/zero | tr '\\0' x\necho\n"
                + "printf '@orchard {\"loss\": 1, \"pad\": \"'; head -c 100000 /dev/zero | tr '\\0' y; echo '\"}'\n"
                + "echo '@orchard {\"loss\": 2}'\nhead -c 30000 /dev/zero | tr '\\0' z", 64 * 1024, 4096);
        assertThat(r.state()).isEqualTo(TrialState.COMPLETED);
        assertThat(r.value()).hasValue(2.0);
        assertThat(ctx.reports).containsExactly(Map.entry(0L, Map.of("loss", 2.0)));
        assertThat(Files.size(ctx.logFile())).isLessThan(64 * 1024 + 1024);
        // past the limit the cut report line gets no note of its own, but it is counted
        assertThat(ctx.log()).contains("[orchard] log truncated").contains("[orchard] malformed metric lines ignored: 1 (0 noted above)");
    }

    @Test
    void aCutReportLineIsMalformedAndACutOrdinaryLineEndsTheErrorTail() throws Exception {
        TrialResult r = run("printf '@orchard {\"loss\": 1, \"pad\": \"'; head -c 10000 /dev/zero | tr '\\0' y; echo '\"}'\n"
                + "head -c 10000 /dev/zero | tr '\\0' z; echo\nexit 2", 1 << 20, 4096);
        assertThat(r.state()).isEqualTo(TrialState.FAILED);
        assertThat(r.error()).hasValueSatisfying(e -> assertThat(e).startsWith("exit code 2; last output:\nzzzz").endsWith("z…"));
        assertThat(r.error().get().length()).isLessThan(600);
        assertThat(ctx.log()).contains("[orchard] ignored malformed metric line 1: longer than 4 KiB");
        assertThat(ctx.reports).isEmpty();
    }

    @Test
    void outputWithoutAFinalNewlineAndWindowsLineEndsIsRead() throws Exception {
        TrialResult r = run("printf 'hello\\r\\n@orchard {\"loss\": 3}\\r\\n@orchard {\"loss\": 5}'");
        assertThat(r.value()).hasValue(5.0);
        assertThat(ctx.reports).containsExactly(Map.entry(0L, Map.of("loss", 3.0)), Map.entry(1L, Map.of("loss", 5.0)));
        assertThat(ctx.log()).endsWith("@orchard {\"loss\": 5}\n");
    }

    @Test
    void aRunAppendsToTheLogOfAnEarlierRun() throws Exception {
        run("echo first; echo '@orchard {\"loss\": 1}'");
        TrialResult second = CommandRunner.builder(List.of("sh", "-c", "echo second; exit 1")).workdir(dir).build().run(ctx);
        assertThat(second.state()).isEqualTo(TrialState.FAILED);
        assertThat(ctx.log()).startsWith("first\n").contains("\nsecond\n");
    }
}
