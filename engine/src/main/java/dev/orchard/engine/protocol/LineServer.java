package dev.orchard.engine.protocol;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Serves a JSON-lines handler over TCP: one thread a client, each line answered by {@code handler} (which must be
 * thread-safe; {@link CurriculumSession} over a shared curriculum is). No authentication: bind to loopback unless the
 * network is trusted.
 */
public final class LineServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LineServer.class);
    private final ServerSocket socket;
    private final Function<String, String> handler;
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    public LineServer(InetAddress host, int port, Function<String, String> handler) throws IOException {
        this.socket = new ServerSocket(port, 64, host);
        this.handler = handler;
        this.acceptor = new Thread(this::accept, "curriculum-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                clients.add(s);
                Thread t = new Thread(() -> serve(s), "curriculum-client-" + s.getPort());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    LOG.warn("accepting a client failed", e);
                }
            }
        }
    }

    private void serve(Socket s) {
        try (s; var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
             var out = new PrintStream(s.getOutputStream(), false, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                out.println(handler.apply(line));
                out.flush();
            }
        } catch (IOException e) {
            LOG.debug("client {} left: {}", s.getRemoteSocketAddress(), e.toString());
        } finally {
            clients.remove(s);
        }
    }

    /** Blocks until the server is closed. */
    public void await() throws InterruptedException {
        acceptor.join();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : clients) {
            s.close();
        }
    }
}
