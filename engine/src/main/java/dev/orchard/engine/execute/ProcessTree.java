package dev.orchard.engine.execute;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Ending a trial's whole process tree. A trial is started as the leader of its own session and process group
 * ({@link #inOwnSession}), so one signal to the group reaches every process it started, including children that
 * outlived their parent (those leave the parent's {@link ProcessHandle#descendants()} when they are re-parented).
 * Without {@code setsid} (macOS has none) the fallback is the leader plus its descendants as far as they can be seen.
 * <p>
 * Zombies (dead, not yet reaped) count as gone everywhere here: a container's PID 1 may never reap them.
 */
public final class ProcessTree {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessTree.class);
    private static final long POLL_MS = 50;
    /** Polls between two looks for processes forked while a run is being ended. */
    private static final int LOOK_EVERY = 5;
    /** How far a recorded start instant may be from the live process's one and still be the same process. */
    private static final Duration SAME_START = Duration.ofSeconds(1);
    private static final Path PROC = Path.of("/proc");
    /** The variable that marks every process of one run of a trial (see {@link #terminate(ProcessHandle, Duration, String)}). */
    public static final String RUN_ID = "ORCHARD_RUN_ID";

    private static final Optional<Path> SETSID = find("setsid");
    private static final Optional<Path> KILL = find("kill");
    private static final long OWN_GROUP = stat(ProcessHandle.current().pid()).map(Stat::pgid).orElse(-1L);

    private ProcessTree() {
    }

    /** What {@link #terminate} or {@link #killOrphan} did. */
    public enum Outcome {
        /** Nothing was running (or everything had already ended). */
        NOT_RUNNING,
        /** Ended by SIGTERM within the grace period. */
        TERMINATED,
        /** Something ignored SIGTERM for the whole grace period and got SIGKILL. */
        KILLED,
        /** {@link #killOrphan}: a process has the pid, but it started at another time (a reused pid); left alone. */
        OTHER_PROCESS,
        /** {@link #killOrphan}: the process's start time cannot be read, so it cannot be told apart; left alone. */
        UNVERIFIABLE
    }

    /** True when trials can be started in their own session ({@code setsid} was found). */
    public static boolean sessionsSupported() {
        return SETSID.isPresent();
    }

    /**
     * The command line that starts {@code argv} as the leader of a new session and process group. util-linux
     * {@code setsid} execs in place (the pid stays the trial's) because a child of the JVM never leads a group;
     * {@code --wait} covers the case where it must fork, so the exit code is still the trial's.
     */
    public static List<String> inOwnSession(List<String> argv) {
        if (SETSID.isEmpty()) {
            return argv;
        }
        var out = new ArrayList<String>(argv.size() + 2);
        out.add(SETSID.get().toString());
        if (SetsidFlavour.UTIL_LINUX) {
            out.add("--wait");
        }
        out.addAll(argv);
        return out;
    }

    /**
     * Ends {@code process} and everything it started: SIGTERM to its process group (when it leads one) and to every
     * descendant, then SIGKILL to whatever still runs after {@code grace}. Blocks until all of it is gone or killed
     * (at most {@code grace} plus a moment). Works after the leader itself has exited, as long as its group lives.
     */
    public static Outcome terminate(ProcessHandle process, Duration grace) {
        return end(Optional.of(process), Optional.empty(), grace);
    }

    /**
     * {@link #terminate(ProcessHandle, Duration)}, and also every process whose environment carries
     * {@code ORCHARD_RUN_ID=runId}: children that left the group ({@code setsid}, a daemon's double fork) and were
     * re-parented away from the tree still carry the variable they inherited.
     */
    public static Outcome terminate(ProcessHandle process, Duration grace, String runId) {
        return end(Optional.of(process), Optional.of(runId), grace);
    }

    /** Ends every process that carries {@code ORCHARD_RUN_ID=runId} (a run whose leader is gone or unknown). */
    public static Outcome terminateRun(String runId, Duration grace) {
        return end(Optional.empty(), Optional.of(runId), grace);
    }

    private static Outcome end(Optional<ProcessHandle> leader, Optional<String> runId, Duration grace) {
        long pid = leader.map(ProcessHandle::pid).orElse(-1L);
        boolean group = leader.isPresent() && leadsGroup(pid);
        List<ProcessHandle> tree = new ArrayList<>();
        Runnable look = () -> {
            leader.ifPresent(l -> l.descendants().filter(h -> !tree.contains(h)).forEach(tree::add));
            runId.ifPresent(id -> tagged(id).stream().filter(h -> !tree.contains(h)).forEach(tree::add));
        };
        look.run();
        if (!alive(leader, tree, group)) {
            return Outcome.NOT_RUNNING;
        }
        var pause = new Pause();
        if (group) {
            signalGroup(pid, "TERM");
        }
        leader.ifPresent(ProcessHandle::destroy);
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (int round = 1; System.nanoTime() < deadline; round++) {
            if (!alive(leader, tree, group)) {
                return pause.done(Outcome.TERMINATED);
            }
            // a process may have been forked between the snapshot and the signal: it must not escape (a look reads
            // every process's environment, so it is taken every few rounds, not every 50 ms)
            if (round % LOOK_EVERY == 0) {
                int known = tree.size();
                look.run();
                tree.subList(known, tree.size()).forEach(ProcessHandle::destroy);
            }
            pause.sleep(POLL_MS);
        }
        if (!alive(leader, tree, group)) {
            return pause.done(Outcome.TERMINATED);
        }
        LOG.info("process {} (and its group) ignored SIGTERM for {}; killing it", leader.isPresent() ? pid : runId.orElse(""), grace);
        if (group) {
            signalGroup(pid, "KILL");
        }
        look.run();
        leader.ifPresent(ProcessHandle::destroyForcibly);
        tree.forEach(ProcessHandle::destroyForcibly);
        // SIGKILL cannot be ignored; wait a little so callers see the processes gone, not merely signalled
        long killDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (alive(leader, tree, group) && System.nanoTime() < killDeadline) {
            pause.sleep(POLL_MS);
        }
        return pause.done(Outcome.KILLED);
    }

    /**
     * Ends the process group of a trial left running by an engine that crashed: {@code pid} and {@code startedAt} are
     * what was recorded when the trial started ({@code ProcessHandle.info().startInstant()}). The group is ended only
     * if a process with that pid runs now and started within a second of {@code startedAt}, so a pid the system has
     * since given to another process is never signalled.
     */
    public static Outcome killOrphan(long pid, Instant startedAt, Duration grace) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !running(h.get())) {
            return Outcome.NOT_RUNNING;
        }
        Optional<Instant> start = h.get().info().startInstant();
        if (start.isEmpty()) {
            LOG.warn("cannot read the start time of process {}; not ending it", pid);
            return Outcome.UNVERIFIABLE;
        }
        if (!sameStart(start.get(), startedAt)) {
            LOG.info("process {} started at {}, the trial's at {}: another process has the pid; left alone",
                    pid, start.get(), startedAt);
            return Outcome.OTHER_PROCESS;
        }
        LOG.info("ending process group {} left by an earlier engine", pid);
        return terminate(h.get(), grace);
    }

    /**
     * The running process with {@code pid} if it is the one that started at {@code startedAt} (within a second),
     * not a later owner of a reused pid.
     */
    public static Optional<ProcessHandle> find(long pid, Instant startedAt) {
        return ProcessHandle.of(pid).filter(ProcessTree::running)
                .filter(h -> h.info().startInstant().map(s -> sameStart(s, startedAt)).orElse(false));
    }

    private static boolean sameStart(Instant a, Instant b) {
        return Duration.between(a, b).abs().compareTo(SAME_START) <= 0;
    }

    /** The running process that carries {@code ORCHARD_RUN_ID=runId} and leads its own process group: the run's wrapper. */
    public static Optional<ProcessHandle> runLeader(String runId) {
        return tagged(runId).stream().filter(h -> stat(h.pid()).map(s -> s.pgid == h.pid()).orElse(false)).findFirst();
    }

    /**
     * The running processes whose environment holds {@code ORCHARD_RUN_ID=runId}, from {@code /proc/PID/environ}
     * (the environment a process started with; readable for the engine's own user). Empty without {@code /proc}.
     */
    static List<ProcessHandle> tagged(String runId) {
        var found = new ArrayList<ProcessHandle>();
        if (!Files.isDirectory(PROC)) {
            return found;
        }
        byte[] tag = (RUN_ID + "=" + runId).getBytes(StandardCharsets.UTF_8);
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path p : ds) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid != self && holds(p.resolve("environ"), tag)) {
                    ProcessHandle.of(pid).filter(ProcessTree::running).ifPresent(found::add);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot list {}: {}", PROC, e.toString());
        }
        return found;
    }

    /** True when the NUL-separated {@code environ} file has the entry {@code tag} exactly. */
    private static boolean holds(Path environ, byte[] tag) {
        byte[] env;
        try {
            env = Files.readAllBytes(environ);
        } catch (IOException | RuntimeException e) {
            return false; // gone, or another user's
        }
        outer:
        for (int i = 0; i + tag.length <= env.length; i++) {
            if (i > 0 && env[i - 1] != 0) {
                continue;
            }
            for (int k = 0; k < tag.length; k++) {
                if (env[i + k] != tag[k]) {
                    continue outer;
                }
            }
            if (i + tag.length == env.length || env[i + tag.length] == 0) {
                return true;
            }
        }
        return false;
    }

    /** True while the process runs (zombies do not). */
    static boolean running(ProcessHandle h) {
        return h.isAlive() && !isZombie(h.pid());
    }

    private static boolean alive(Optional<ProcessHandle> leader, List<ProcessHandle> tree, boolean group) {
        return leader.map(ProcessTree::running).orElse(false) || tree.stream().anyMatch(ProcessTree::running)
                || (group && groupRuns(leader.get().pid()));
    }

    /** True when {@code pid} is the id of a process group (so it started as, or still is, the group's leader). */
    static boolean leadsGroup(long pid) {
        if (pid <= 1 || pid == ProcessHandle.current().pid() || pid == OWN_GROUP) {
            return false; // never the engine's own group
        }
        if (Files.isDirectory(PROC)) {
            Optional<Stat> own = stat(pid);
            if (own.isPresent()) {
                return own.get().pgid == pid;
            }
            return groupRuns(pid); // the leader has exited; its group may live on
        }
        return groupRuns(pid);
    }

    /** True while some non-zombie process belongs to process group {@code pgid}. */
    static boolean groupRuns(long pgid) {
        if (!Files.isDirectory(PROC)) {
            return KILL.isPresent() && run(KILL.get().toString(), "-0", "--", "-" + pgid) == 0;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path p : ds) {
                Optional<Stat> s = stat(Long.parseLong(p.getFileName().toString()));
                if (s.isPresent() && s.get().pgid == pgid && s.get().state != 'Z' && s.get().state != 'X') {
                    return true;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot list {}: {}", PROC, e.toString());
        }
        return false;
    }

    private static void signalGroup(long pgid, String signal) {
        if (pgid <= 1 || pgid == ProcessHandle.current().pid() || pgid == OWN_GROUP) {
            throw new IllegalStateException("refusing to signal process group " + pgid);
        }
        if (KILL.isEmpty()) {
            LOG.warn("no kill command on the PATH: cannot signal process group {}", pgid);
            return;
        }
        run(KILL.get().toString(), "-s", signal, "--", "-" + pgid);
    }

    private record Stat(char state, long pgid) {
    }

    /** Fields of /proc/PID/stat; the command name in parentheses may itself hold spaces and parentheses. */
    private static Optional<Stat> stat(long pid) {
        try {
            String s = Files.readString(PROC.resolve(String.valueOf(pid)).resolve("stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Optional.of(new Stat(f[0].charAt(0), Long.parseLong(f[2])));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean isZombie(long pid) {
        return stat(pid).map(s -> s.state == 'Z' || s.state == 'X').orElse(false);
    }

    private static int run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            LOG.warn("cannot run {}: {}", cmd[0], e.getMessage());
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** util-linux's setsid knows --wait; BusyBox's does not (it still execs in place for a non-leader). */
    private static final class SetsidFlavour {
        static final boolean UTIL_LINUX = SETSID.isPresent() && probe();

        private static boolean probe() {
            try {
                Process p = new ProcessBuilder(SETSID.get().toString(), "--version").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readNBytes(4096), StandardCharsets.UTF_8);
                return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 && out.contains("util-linux");
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * Sleeps through interrupts: ending the processes matters more than returning early, and an interrupted thread
     * could not sleep at all. The interrupt is restored when the work is done.
     */
    private static final class Pause {
        private boolean interrupted = Thread.interrupted(); // cleared, or every sleep would end at once

        void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }

        Outcome done(Outcome o) {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            return o;
        }
    }

    /** Finds a program in /usr/bin, /bin or on the PATH. */
    private static Optional<Path> find(String program) {
        var dirs = new ArrayList<String>(List.of("/usr/bin", "/bin"));
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (String d : dirs) {
            if (d.isEmpty() || seen.put(d, true) != null) {
                continue;
            }
            Path p = Path.of(d, program);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
