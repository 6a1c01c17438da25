package dev.orchard.engine.cli;

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

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (the CLI tests call this). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** Runs a command line with its output and errors going to the given writers. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            PrintWriter err = line.getErr();
            if (ex instanceof SpecException) {
                err.println("orchard: " + ex.getMessage());
                return BAD_INPUT;
            }
            if (DiskFullException.causedBy(ex)) {
                err.println("orchard: " + diskFull(ex));
                return DISK_FULL;
            }
            if (ex instanceof StoreLockedException) {
                err.println("orchard: " + ex.getMessage());
                return LOCKED;
            }
            if (ex instanceof StoreException || ex instanceof IllegalArgumentException || ex instanceof IllegalStateException
                    || ex instanceof java.io.IOException || ex instanceof java.io.UncheckedIOException) {
                err.println("orchard: " + ex.getMessage());
                return ex instanceof IllegalArgumentException ? BAD_INPUT : FAILED;
            }
            err.println("orchard: unexpected error: " + ex);
            ex.printStackTrace(err);
            return FAILED;
        });
        return cl;
    }

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
