package dev.orchard.engine.protocol;

import dev.orchard.engine.json.Json;
import dev.orchard.engine.json.LineReader;
import dev.orchard.engine.json.RefusedInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves a JSON-lines session over TCP to at most {@link Limits#maxClients} clients at once, each on a thread of a pool
 * of that size (the session must be thread-safe; {@link CurriculumSession} over a shared curriculum is). A client over
 * the cap is answered {@code {"error":...}} and closed at once, so it holds neither a thread nor a queue place; one
 * silent for {@link Limits#idleTimeout} is told so and closed, so idle clients cannot hold the cap forever; a line
 * longer than the session's limit is answered with an error and that client dropped (see {@link LineReader}). No
 * authentication: bind to loopback unless the network is trusted.
 */
public final class LineServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LineServer.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** How many clients are served at once, and how long one may send nothing ({@link Duration#ZERO}: forever). */
    public record Limits(int maxClients, Duration idleTimeout) {
        public static final Limits DEFAULT = new Limits(64, Duration.ofMinutes(10));

        public Limits {
            if (maxClients < 1) {
                throw new IllegalArgumentException("at least one client must be allowed, got " + maxClients);
            }
            if (idleTimeout.isNegative() || idleTimeout.toMillis() > Integer.MAX_VALUE || !idleTimeout.isZero() && idleTimeout.toMillis() == 0) {
                throw new IllegalArgumentException("idle timeout must be 0 (none) or between 1 and " + Integer.MAX_VALUE + " ms, got " + idleTimeout);
            }
        }
    }

    private final ServerSocket socket;
    private final JsonLinesSession session;
    private final Limits limits;
    private final Semaphore slots;
    private final ThreadPoolExecutor pool;
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private long lastBusyWarning = System.nanoTime() - WARN_EVERY_NANOS;

    public LineServer(InetAddress host, int port, JsonLinesSession session, Limits limits) throws IOException {
        this.socket = new ServerSocket(port, 64, host);
        this.session = session;
        this.limits = limits;
        this.slots = new Semaphore(limits.maxClients());
        AtomicInteger n = new AtomicInteger();
        // As many threads as slots: a task is only submitted with a slot, so nothing waits in the queue for long.
        this.pool = new ThreadPoolExecutor(limits.maxClients(), limits.maxClients(), 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "line-client-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        this.acceptor = new Thread(this::accept, "line-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void accept() {
        while (!socket.isClosed()) {
            Socket s;
            try {
                s = socket.accept();
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    LOG.warn("accepting a client failed", e);
                }
                continue;
            }
            if (!slots.tryAcquire()) {
                refuse(s);
                continue;
            }
            clients.add(s);
            try {
                pool.execute(() -> serve(s));
            } catch (RejectedExecutionException closing) {
                drop(s);
            }
        }
    }

    /** Tells a client over the cap so, on the accepting thread (a fresh socket's send buffer takes one line at once). */
    private void refuse(Socket s) {
        String why = "the server is busy: it serves at most " + limits.maxClients() + " clients at once; try again later";
        try (s; OutputStream out = s.getOutputStream()) {
            out.write((Json.write(Map.of("error", why)) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            s.shutdownOutput();
        } catch (IOException e) {
            LOG.debug("refusing {}: {}", s.getRemoteSocketAddress(), e.toString());
        }
        long now = System.nanoTime();
        if (now - lastBusyWarning >= WARN_EVERY_NANOS) {
            lastBusyWarning = now;
            LOG.warn("refused a client from {}: {} clients are connected, the most allowed", s.getRemoteSocketAddress(), limits.maxClients());
        }
    }

    private void serve(Socket s) {
        try (s; PrintStream out = new PrintStream(s.getOutputStream(), false, StandardCharsets.UTF_8)) {
            try {
                s.setSoTimeout((int) limits.idleTimeout().toMillis());
                LineReader in = new LineReader(s.getInputStream(), session.maxLine(), "client " + s.getRemoteSocketAddress());
                for (String line; (line = in.readLine()) != null; ) {
                    if (!line.isBlank()) {
                        out.println(session.handle(line));
                        out.flush();
                    }
                }
            } catch (RefusedInputException e) {
                LOG.warn("dropped {}", e.getMessage());
                out.println(JsonLinesSession.refusal(e));
                out.flush();
            } catch (SocketTimeoutException e) {
                out.println(Json.write(Map.of("error", "no request for " + limits.idleTimeout().toSeconds()
                        + " s; the connection is closed (connect again to go on)")));
                out.flush();
            }
            s.shutdownOutput(); // the answer goes out before the close, even if the client is still sending
        } catch (IOException e) {
            LOG.debug("client {} left: {}", s.getRemoteSocketAddress(), e.toString());
        } finally {
            drop(s);
        }
    }

    private void drop(Socket s) {
        if (clients.remove(s)) {
            slots.release();
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // gone already
        }
    }

    /** Blocks until the server is closed. */
    public void await() throws InterruptedException {
        acceptor.join();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        pool.shutdown();
        for (Socket s : clients) {
            s.close();
        }
    }
}
