package dev.orchard.engine.execute;

import dev.orchard.engine.trial.Resources;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The GPUs and CPU slots trials share. {@link #acquire} waits until a request fits and takes it whole (never part of
 * it, so waiters cannot deadlock each other). Freed resources go to the waiters in arrival order, first fit: a waiter
 * whose request does not fit yet lets later, smaller ones pass (a big request may wait long, never forever blocked by
 * the pool itself).
 */
public final class ResourcePool {
    /** How often a waiter checks whether it was cancelled. */
    private static final long POLL_MS = 50;

    private final List<Integer> gpus;
    private final int cpus;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final boolean[] gpuBusy;
    private int freeCpus;
    private final LinkedList<Waiter> queue = new LinkedList<>();

    /** A pool of these GPUs (indices as {@code nvidia-smi} numbers them) and {@code cpus} CPU slots. */
    public ResourcePool(List<Integer> gpus, int cpus) {
        var seen = new HashSet<Integer>();
        for (Integer g : gpus) {
            if (g == null || g < 0) {
                throw new IllegalArgumentException("GPU indices must be integers >= 0, got " + g + " in " + gpus);
            }
            if (!seen.add(g)) {
                throw new IllegalArgumentException("GPU " + g + " is listed twice in " + gpus);
            }
        }
        if (cpus < 0) {
            throw new IllegalArgumentException("CPU slots must be >= 0, got " + cpus);
        }
        this.gpus = List.copyOf(gpus);
        this.cpus = cpus;
        this.gpuBusy = new boolean[gpus.size()];
        this.freeCpus = cpus;
    }

    /** The pool's GPU indices. */
    public List<Integer> gpus() {
        return gpus;
    }

    /** The pool's CPU slots. */
    public int cpus() {
        return cpus;
    }

    /** What is free now (a snapshot). */
    public Resources free() {
        lock.lock();
        try {
            var free = new ArrayList<Integer>();
            for (int i = 0; i < gpus.size(); i++) {
                if (!gpuBusy[i]) {
                    free.add(gpus.get(i));
                }
            }
            return new Resources(free, freeCpus);
        } finally {
            lock.unlock();
        }
    }

    /** How many requests wait now. */
    public int waiting() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Fails when the request could never be granted, however long it waited. */
    public void check(ResourceRequest request) {
        if (request.gpus() > gpus.size() || request.cpus() > cpus) {
            throw new IllegalArgumentException("a trial needs " + request + ", but there are only " + this
                    + ": it could never start");
        }
    }

    /**
     * Waits until the request fits and takes it. Returns empty once {@code cancelled} is true (checked before waiting
     * and at least every 50 ms while waiting; it should be cheap). A request larger than the whole pool fails at once
     * with {@link IllegalArgumentException}. Interrupting the caller gives up the wait with
     * {@link InterruptedException}.
     */
    public Optional<Lease> acquire(ResourceRequest request, BooleanSupplier cancelled) throws InterruptedException {
        return acquire(request, List.of(), cancelled);
    }

    /**
     * {@link #acquire(ResourceRequest, BooleanSupplier)}, taking the GPUs in {@code preferred} first when they are
     * free: a trial picked up after a crash of the engine runs on the devices it was started with.
     */
    public Optional<Lease> acquire(ResourceRequest request, List<Integer> preferred, BooleanSupplier cancelled)
            throws InterruptedException {
        check(request);
        lock.lockInterruptibly();
        try {
            if (cancelled.getAsBoolean()) {
                return Optional.empty();
            }
            Waiter w = new Waiter(request, preferred);
            queue.addLast(w);
            dispatch();
            while (w.granted == null) {
                if (cancelled.getAsBoolean()) {
                    queue.remove(w);
                    return Optional.empty();
                }
                try {
                    changed.await(POLL_MS, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    if (w.granted != null) {
                        release(w.granted);
                    } else {
                        queue.remove(w);
                    }
                    throw e;
                }
            }
            return Optional.of(new Lease(w.granted));
        } finally {
            lock.unlock();
        }
    }

    /** Grants every waiting request that fits, in arrival order. Called with the lock held. */
    private void dispatch() {
        boolean any = false;
        for (var it = queue.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (w.request.cpus() > freeCpus || w.request.gpus() > freeGpus()) {
                continue;
            }
            var taken = new ArrayList<Integer>(w.request.gpus());
            for (int g : w.preferred) {
                int i = gpus.indexOf(g);
                if (i >= 0 && !gpuBusy[i] && taken.size() < w.request.gpus()) {
                    gpuBusy[i] = true;
                    taken.add(g);
                }
            }
            for (int i = 0; i < gpuBusy.length && taken.size() < w.request.gpus(); i++) {
                if (!gpuBusy[i]) {
                    gpuBusy[i] = true;
                    taken.add(gpus.get(i));
                }
            }
            freeCpus -= w.request.cpus();
            w.granted = new Resources(taken, w.request.cpus());
            it.remove();
            any = true;
        }
        if (any) {
            changed.signalAll();
        }
    }

    private int freeGpus() {
        int n = 0;
        for (boolean busy : gpuBusy) {
            n += busy ? 0 : 1;
        }
        return n;
    }

    private void release(Resources r) {
        lock.lock();
        try {
            for (int g : r.gpus()) {
                gpuBusy[gpus.indexOf(g)] = false;
            }
            freeCpus += r.cpus();
            dispatch();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return gpus.size() + " GPU" + (gpus.size() == 1 ? "" : "s") + (gpus.isEmpty() ? "" : " " + gpus) + " and "
                + cpus + " CPU slot" + (cpus == 1 ? "" : "s");
    }

    private static final class Waiter {
        final ResourceRequest request;
        final List<Integer> preferred;
        Resources granted; // guarded by the pool's lock

        Waiter(ResourceRequest request, List<Integer> preferred) {
            this.request = request;
            this.preferred = List.copyOf(preferred);
        }
    }

    /** Resources held by one trial; closing gives them back (once, however often it is closed). */
    public final class Lease implements AutoCloseable {
        private final Resources resources;
        private final AtomicBoolean released = new AtomicBoolean();

        private Lease(Resources resources) {
            this.resources = resources;
        }

        /** The GPU indices and CPU slots held, for {@link TrialContext#resources()}. */
        public Resources resources() {
            return resources;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                release(resources);
            }
        }

        @Override
        public String toString() {
            return "Lease" + resources + (released.get() ? " (released)" : "");
        }
    }
}
