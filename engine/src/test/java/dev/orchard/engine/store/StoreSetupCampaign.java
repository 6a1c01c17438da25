package dev.orchard.engine.store;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The fault campaign behind {@link StoreSetupTest} (run by hand; its figures are in the report of issue 14): kills a
 * real JVM with SIGKILL at every step of creating and of upgrading a database, then at random moments of the set-up,
 * and checks after each kill that the database opens and holds what it held. Usage:
 * {@code java -cp TEST_CLASSPATH dev.orchard.engine.store.StoreSetupCampaign FOLDER RANDOM_KILLS [SEED]}.
 */
public final class StoreSetupCampaign {
    private StoreSetupCampaign() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Files.createDirectories(Path.of(args[0]));
        int randomKills = Integer.parseInt(args[1]);
        Random random = new Random(args.length > 2 ? Long.parseLong(args[2]) : 14);
        for (String mode : List.of("create", "upgrade")) {
            Path counted = prepare(root.resolve(mode + "-count"), mode);
            String opened = StoreSetupTest.probeToEnd("open", counted.toString());
            int steps = Integer.parseInt(opened.split(" ")[2]);
            int tried = 0;
            int lost = 0;
            for (int step = 1; step <= steps; step++) {
                Path db = prepare(root.resolve(mode + "-step-" + step), mode);
                StoreSetupTest.Probe p = StoreSetupTest.probe("open", db.toString(), String.valueOf(step));
                p.kill();
                tried++;
                lost += check(db, mode, p.line()) ? 0 : 1;
            }
            System.out.printf("%s, a kill at every step: %d tried, %d survived, %d lost%n", mode, tried, tried - lost, lost);

            long setUpMillis = setUpMillis(prepare(root.resolve(mode + "-timed"), mode));
            int killedInSetUp = 0;
            int finishedFirst = 0;
            lost = 0;
            for (int i = 0; i < randomKills; i++) {
                Path db = prepare(root.resolve(mode + "-random-" + i), mode);
                Process p = start(db);
                var lines = new java.util.concurrent.CopyOnWriteArrayList<String>();
                var starting = new java.util.concurrent.CountDownLatch(1);
                Thread reader = new Thread(() -> {
                    var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    try {
                        for (String l; (l = out.readLine()) != null; ) {
                            lines.add(l);
                            if (l.equals("STARTING")) {
                                starting.countDown(); // JVM start-up is over: the window begins
                            }
                        }
                    } catch (java.io.IOException killed) {
                        // the stream ends with the process
                    }
                    starting.countDown();
                });
                reader.start();
                starting.await();
                Thread.sleep(random.nextInt((int) Math.max(1, setUpMillis * 12 / 10)));
                p.destroyForcibly();
                p.waitFor(60, TimeUnit.SECONDS);
                reader.join();
                if (lines.stream().anyMatch(l -> l.startsWith("OPENED"))) {
                    finishedFirst++;
                } else {
                    killedInSetUp++;
                }
                lost += check(db, mode, "random kill " + i) ? 0 : 1;
            }
            System.out.printf("%s, random kills within %d ms of the open: %d tried, %d during the set-up, %d after it, "
                            + "%d survived, %d lost%n", mode, setUpMillis * 12 / 10, randomKills, killedInSetUp, finishedFirst,
                    randomKills - lost, lost);
        }
    }

    private static Path prepare(Path folder, String mode) throws Exception {
        Path db = Files.createDirectories(folder).resolve("history");
        if (mode.equals("upgrade")) {
            StoreSetupTest.versionOneWithHistory(db);
        }
        return db;
    }

    private static Process start(Path db) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        var cmd = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), StoreSetupProbe.class.getName(), "open", db.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        return p;
    }

    /** How long the set-up takes, from the probe's STARTING to its OPENED. */
    private static long setUpMillis(Path db) throws Exception {
        Process p = start(db);
        var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long t0 = 0;
        for (String l; (l = out.readLine()) != null; ) {
            if (l.equals("STARTING")) {
                t0 = System.nanoTime();
            } else if (l.startsWith("OPENED")) {
                break;
            }
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        p.waitFor(60, TimeUnit.SECONDS);
        return ms;
    }

    private static boolean check(Path db, String mode, String where) {
        try {
            if (mode.equals("create")) {
                StoreSetupTest.assertOpensAfterAKilledCreation(db, where);
            } else {
                StoreSetupTest.assertOpensAfterAKilledUpgrade(db, where);
            }
            return true;
        } catch (Exception | AssertionError e) {
            System.out.println("LOST after " + where + ": " + e.getMessage());
            return false;
        }
    }
}
