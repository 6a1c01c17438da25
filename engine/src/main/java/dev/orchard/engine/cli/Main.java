package dev.orchard.engine.cli;

import dev.orchard.engine.json.RefusedInputException;
import dev.orchard.engine.json.SpecException;
import dev.orchard.engine.store.DiskFullException;
import dev.orchard.engine.store.StoreException;
import dev.orchard.engine.store.StoreLockedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** {@code orchard}: the command-line face of the engine. */
@Command(name = "orchard", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Orchard: define, run, watch and keep machine-learning experiments.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:failed", "2:bad input (usage, a spec or file; the message says where)",
                "3:the database is in use by another Orchard process",
                "4:no space left on device (what was stored before is kept; reading still works)"},
        subcommands = {RunCommand.class, ResumeCommand.class, ValidateCommand.class, ListCommand.class, ShowCommand.class, ExportCommand.class,
                ImportCommand.class, AskTellCommand.class, OptimizersCommand.class, BenchCommand.class, CurriculumCommand.class, CurvesCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit codes: 0 done, 1 failed, 2 bad input (usage or file), 3 database in use, 4 no space left on device. */
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;
    static final int LOCKED = 3;
    static final int DISK_FULL = 4;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Who answers the CLI's questions: the terminal, or a test. */
    final Questions questions;

    Main() {
        this(Questions.TERMINAL);
    }

    Main(Questions questions) {
        this.questions = questions;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (the CLI tests call this). */
    public static int execute(String... args) {
        return commandLine(Questions.TERMINAL).execute(args);
    }

    /** Runs a command line with its output and errors going to the given writers. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return execute(Questions.TERMINAL, out, err, args);
    }

    /** {@link #execute(PrintWriter, PrintWriter, String...)} with its questions answered by {@code questions}. */
    static int execute(Questions questions, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine(questions);
        cl.setOut(out);
        cl.setErr(err);
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static CommandLine commandLine(Questions questions) {
        CommandLine cl = new CommandLine(new Main(questions));
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            PrintWriter err = line.getErr();
            if (ex instanceof Consent.Refused r) {
                err.println("orchard: " + message(ex));
                return r.declined ? FAILED : BAD_INPUT;
            }
            if (ex instanceof SpecException || ex instanceof RefusedInputException) {
                err.println("orchard: " + message(ex));
                return BAD_INPUT;
            }
            if (DiskFullException.causedBy(ex)) {
                err.println("orchard: " + Format.safeLines(diskFull(ex)));
                return DISK_FULL;
            }
            if (ex instanceof StoreLockedException) {
                err.println("orchard: " + message(ex));
                return LOCKED;
            }
            if (ex instanceof StoreException || ex instanceof IllegalArgumentException || ex instanceof IllegalStateException
                    || ex instanceof java.io.IOException || ex instanceof java.io.UncheckedIOException) {
                err.println("orchard: " + message(ex));
                return ex instanceof IllegalArgumentException ? BAD_INPUT : FAILED;
            }
            err.println("orchard: unexpected error: " + Format.safeLines(String.valueOf(ex)));
            ex.printStackTrace(err);
            return FAILED;
        });
        return cl;
    }

    /** An error's message as printed: terminal-safe, and cut short when something put a whole file into it. */
    static String message(Throwable ex) {
        String m = Format.safeLines(String.valueOf(ex.getMessage()));
        return m.length() <= MAX_MESSAGE ? m : m.substring(0, MAX_MESSAGE) + "… (" + (m.length() - MAX_MESSAGE) + " more characters)";
    }

    private static final int MAX_MESSAGE = 8_000;

    /** The one line for a full disk: the store's own message, or where a file could not be written. */
    private static String diskFull(Exception ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof DiskFullException d) {
                return d.getMessage();
            }
            if (t instanceof java.nio.file.FileSystemException f && f.getFile() != null) {
                return "no space left on device at " + f.getFile();
            }
        }
        return "no space left on device";
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"orchard " + (v == null ? "development build" : v), "Java " + System.getProperty("java.version")};
        }
    }
}
