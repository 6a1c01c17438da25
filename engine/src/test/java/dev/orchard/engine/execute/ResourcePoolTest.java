package dev.orchard.engine.execute;

import dev.orchard.engine.trial.Resources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pool with real threads; waits are observed through {@link ResourcePool#waiting()}, never through timing. */
class ResourcePoolTest {
    static final BooleanSupplier NEVER = () -> false;
    final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    static void awaitWaiting(ResourcePool pool, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (pool.waiting() != n) {
            assertThat(System.nanoTime()).as("%d waiters (now %d)", n, pool.waiting()).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    static <T> T get(Future<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    @Test
    void preferredGpusAreTakenWhenFreeAndTheRestFirstFit() throws Exception {
        var pool = new ResourcePool(List.of(0, 1, 2, 3), 8);
        ResourcePool.Lease a = pool.acquire(new ResourceRequest(1, 1), List.of(2), NEVER).orElseThrow();
        assertThat(a.resources().gpus()).as("the GPU a picked-up run was started on").containsExactly(2);
        // one preferred GPU is busy: the other is taken, the rest first fit; a GPU not in the pool is ignored
        ResourcePool.Lease b = pool.acquire(new ResourceRequest(2, 1), List.of(2, 3, 9), NEVER).orElseThrow();
        assertThat(b.resources().gpus()).containsExactly(3, 0);
        ResourcePool.Lease c = pool.acquire(new ResourceRequest(1, 1), NEVER).orElseThrow();
        assertThat(c.resources().gpus()).containsExactly(1);
    }

    @Test
    void grantsWholeGpusAndCpuSlotsAndTakesThemBackOnce() throws Exception {
        var pool = new ResourcePool(List.of(0, 1, 2), 8);
        ResourcePool.Lease a = pool.acquire(new ResourceRequest(2, 3), NEVER).orElseThrow();
        assertThat(a.resources()).isEqualTo(new Resources(List.of(0, 1), 3));
        assertThat(a.resources().cudaVisibleDevices()).isEqualTo("0,1");
        assertThat(pool.free()).isEqualTo(new Resources(List.of(2), 5));
        ResourcePool.Lease b = pool.acquire(ResourceRequest.DEFAULT, NEVER).orElseThrow();
        assertThat(b.resources()).isEqualTo(new Resources(List.of(), 1));
        assertThat(b.resources().cudaVisibleDevices()).isEmpty();
        a.close();
        a.close(); // idempotent: the slots come back once
        assertThat(pool.free()).isEqualTo(new Resources(List.of(0, 1, 2), 7));
        b.close();
        assertThat(pool.free()).isEqualTo(new Resources(List.of(0, 1, 2), 8));
    }

    @Test
    void aRequestBiggerThanThePoolFailsAtOnce() {
        var pool = new ResourcePool(List.of(0), 4);
        assertThatThrownBy(() -> pool.acquire(new ResourceRequest(2, 1), NEVER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a trial needs 2 GPUs and 1 CPU slot, but there are only 1 GPU [0] and 4 CPU slots: it could never start");
        assertThatThrownBy(() -> pool.acquire(new ResourceRequest(0, 5), NEVER)).hasMessageContaining("could never start");
        assertThat(pool.waiting()).isZero();
    }

    @Test
    void aWaiterGetsTheResourcesWhenTheyAreReleased() throws Exception {
        var pool = new ResourcePool(List.of(7), 2);
        ResourcePool.Lease held = pool.acquire(new ResourceRequest(1, 1), NEVER).orElseThrow();
        Future<Optional<ResourcePool.Lease>> waiter = threads.submit(() -> pool.acquire(new ResourceRequest(1, 1), NEVER));
        awaitWaiting(pool, 1);
        assertThat(waiter).isNotDone();
        held.close();
        ResourcePool.Lease got = get(waiter).orElseThrow();
        assertThat(got.resources()).isEqualTo(new Resources(List.of(7), 1));
        assertThat(pool.waiting()).isZero();
    }

    @Test
    void aCancelledWaiterGivesUpWithNothing() throws Exception {
        var pool = new ResourcePool(List.of(0), 1);
        ResourcePool.Lease held = pool.acquire(new ResourceRequest(1, 1), NEVER).orElseThrow();
        var cancelled = new AtomicBoolean();
        Future<Optional<ResourcePool.Lease>> waiter = threads.submit(() -> pool.acquire(new ResourceRequest(1, 1), cancelled::get));
        awaitWaiting(pool, 1);
        cancelled.set(true);
        assertThat(get(waiter)).isEmpty();
        assertThat(pool.waiting()).isZero();
        held.close();
        assertThat(pool.free()).isEqualTo(new Resources(List.of(0), 1));
        // already cancelled: no wait at all, even when the request would fit
        assertThat(pool.acquire(new ResourceRequest(1, 1), () -> true)).isEmpty();
        assertThat(pool.free()).isEqualTo(new Resources(List.of(0), 1));
    }

    @Test
    void anInterruptedWaiterLeavesThePoolAsItWas() throws Exception {
        var pool = new ResourcePool(List.of(), 1);
        ResourcePool.Lease held = pool.acquire(ResourceRequest.DEFAULT, NEVER).orElseThrow();
        var thrown = new java.util.concurrent.atomic.AtomicReference<Throwable>();
        Thread waiter = new Thread(() -> {
            try {
                pool.acquire(ResourceRequest.DEFAULT, NEVER);
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        waiter.start();
        awaitWaiting(pool, 1);
        waiter.interrupt();
        waiter.join(30_000);
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(pool.waiting()).isZero();
        held.close();
        assertThat(pool.free()).isEqualTo(new Resources(List.of(), 1));
    }

    @Test
    void aSmallRequestPassesABigOneThatDoesNotFitYet() throws Exception {
        var pool = new ResourcePool(List.of(0, 1), 4);
        ResourcePool.Lease one = pool.acquire(new ResourceRequest(1, 1), NEVER).orElseThrow();
        Future<Optional<ResourcePool.Lease>> big = threads.submit(() -> pool.acquire(new ResourceRequest(2, 1), NEVER));
        awaitWaiting(pool, 1);
        // the free GPU goes to a later request that fits rather than idling until the big one fits
        ResourcePool.Lease small = pool.acquire(new ResourceRequest(1, 1), NEVER).orElseThrow();
        assertThat(small.resources().gpus()).containsExactly(1);
        assertThat(big).isNotDone();
        one.close();
        assertThat(big).isNotDone();
        small.close();
        assertThat(get(big).orElseThrow().resources().gpus()).containsExactly(0, 1);
    }

    @Test
    void waitersAreServedInArrivalOrderWhenEachFitsAlone() throws Exception {
        var pool = new ResourcePool(List.of(0), 1);
        ResourcePool.Lease held = pool.acquire(new ResourceRequest(1, 1), NEVER).orElseThrow();
        var order = new ArrayList<Integer>();
        var futures = new ArrayList<Future<?>>();
        for (int i = 0; i < 3; i++) {
            int id = i;
            futures.add(threads.submit(() -> {
                try (var lease = pool.acquire(new ResourceRequest(1, 1), NEVER).orElseThrow()) {
                    synchronized (order) {
                        order.add(id);
                    }
                }
                return null;
            }));
            awaitWaiting(pool, i + 1);
        }
        held.close();
        for (Future<?> f : futures) {
            get(f);
        }
        assertThat(order).containsExactly(0, 1, 2);
    }

    @Test
    void manyThreadsNeverShareAGpuNorOverbookCpusAndAllFinish() throws Exception {
        var pool = new ResourcePool(List.of(0, 1, 2), 4);
        Map<Integer, Integer> gpuHolder = new ConcurrentHashMap<>();
        var cpusHeld = new AtomicInteger();
        var violations = new AtomicInteger();
        int threadCount = 8;
        var start = new CountDownLatch(1);
        var futures = new ArrayList<Future<?>>();
        for (int t = 0; t < threadCount; t++) {
            int id = t;
            futures.add(threads.submit(() -> {
                var rnd = new Random(id);
                start.await();
                for (int i = 0; i < 200; i++) {
                    var req = new ResourceRequest(rnd.nextInt(3), rnd.nextInt(3));
                    try (var lease = pool.acquire(req, NEVER).orElseThrow()) {
                        for (int g : lease.resources().gpus()) {
                            if (gpuHolder.putIfAbsent(g, id) != null) {
                                violations.incrementAndGet();
                            }
                        }
                        if (cpusHeld.addAndGet(lease.resources().cpus()) > 4) {
                            violations.incrementAndGet();
                        }
                        if (lease.resources().gpus().size() != req.gpus() || lease.resources().cpus() != req.cpus()) {
                            violations.incrementAndGet();
                        }
                        Thread.yield();
                        cpusHeld.addAndGet(-lease.resources().cpus());
                        lease.resources().gpus().forEach(gpuHolder::remove);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            try {
                f.get(120, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new AssertionError(e.getCause());
            }
        }
        assertThat(violations.get()).isZero();
        assertThat(pool.free()).isEqualTo(new Resources(List.of(0, 1, 2), 4));
        assertThat(pool.waiting()).isZero();
    }

    @Test
    void requestsAndPoolsAreValidated() {
        assertThatThrownBy(() -> new ResourceRequest(-1, 1)).hasMessage("a trial's gpus must be >= 0, got -1");
        assertThatThrownBy(() -> new ResourceRequest(0, -2)).hasMessage("a trial's cpus must be >= 0, got -2");
        assertThatThrownBy(() -> new ResourcePool(List.of(0, 0), 1)).hasMessage("GPU 0 is listed twice in [0, 0]");
        assertThatThrownBy(() -> new ResourcePool(List.of(-1), 1)).hasMessageContaining("GPU indices must be integers >= 0");
        assertThatThrownBy(() -> new ResourcePool(List.of(), -1)).hasMessage("CPU slots must be >= 0, got -1");
        assertThat(new ResourcePool(List.of(3, 1), 2).gpus()).containsExactly(3, 1);
    }
}
