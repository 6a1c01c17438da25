package dev.orchard.app.canvas;

import java.util.concurrent.atomic.AtomicLong;

/** Fresh handles for nodes and edges (unique in this process; never written to files). */
final class Ids {
    private static final AtomicLong NEXT = new AtomicLong();

    private Ids() {
    }

    static String node() {
        return "n" + NEXT.incrementAndGet();
    }

    static String edge() {
        return "e" + NEXT.incrementAndGet();
    }
}
