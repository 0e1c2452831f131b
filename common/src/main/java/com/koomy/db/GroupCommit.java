package com.koomy.db;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.dropwizard.lifecycle.Managed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Group commit: request threads hand their write to a few writer threads, each of which writes
 * whatever has arrived meanwhile (up to {@code maxBatch} items) in one transaction, then wakes the
 * requests it carried with their results. Under a burst one commit (and one WAL flush, one pool
 * checkout, one round of scheduling) serves tens of requests instead of one each; alone, a request
 * waits for nobody (a writer that finds it writes it at once).
 * <p>
 * A request gets its result only once its batch committed. If the batch fails, and {@code split}
 * says the failure may be one item's (a data error rather than the database being down), each item
 * is written again alone, so that one bad item fails only its own request; otherwise every request
 * in the batch gets the failure. A full queue refuses at once rather than queueing more than the
 * writers can write within the timeout.
 *
 * @param <T> what a request writes
 * @param <R> what it gets back
 */
public class GroupCommit<T, R> implements Managed {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    /** Writes a batch in one transaction; returns one result per item, in the items' order. */
    @FunctionalInterface
    public interface BatchWrite<T, R> {
        List<R> write(List<T> items) throws Exception;
    }

    /** Thrown to a request whose item was not written (it may have been, if the wait timed out). */
    public static class NotWritten extends Exception {
        NotWritten(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private record Pending<T, R>(T item, CompletableFuture<R> result) {
    }

    private final String name;
    private final BatchWrite<T, R> write;
    private final Predicate<Throwable> split;
    private final int writers;
    private final int maxBatch;
    private final Duration timeout;
    private final BlockingQueue<Pending<T, R>> queue;
    private final Histogram batchSizes;
    private final Timer batchTimer;
    private final Meter failures;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    /** Metrics under {@code metricPrefix}: batch-size, batch-write, failures, queued. */
    public GroupCommit(String name, BatchWrite<T, R> write, Predicate<Throwable> split, int writers, int maxBatch,
                       int queueCapacity, Duration timeout, MetricRegistry metrics, String metricPrefix) {
        this.name = name;
        this.write = write;
        this.split = split;
        this.writers = writers;
        this.maxBatch = maxBatch;
        this.timeout = timeout;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.batchSizes = metrics.histogram(metricPrefix + ".batch-size");
        this.batchTimer = metrics.timer(metricPrefix + ".batch-write");
        this.failures = metrics.meter(metricPrefix + ".failures");
        metrics.gauge(metricPrefix + ".queued", () -> queue::size);
    }

    @Override
    public void start() {
        running = true;
        for (int i = 0; i < writers; i++) {
            Thread thread = new Thread(this::run, name + "-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /** Writes what is queued, then stops the writers; later requests are refused. */
    @Override
    public void stop() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(timeout.toMillis());
        }
        threads.clear();
        List<Pending<T, R>> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(p -> p.result().completeExceptionally(new IllegalStateException("the process is stopping")));
    }

    /** Writes the item with whatever else is waiting; returns its result once the batch committed. */
    public R submit(T item) throws NotWritten, InterruptedException {
        Pending<T, R> pending = new Pending<>(item, new CompletableFuture<>());
        if (!running || !queue.offer(pending)) {
            failures.mark();
            throw new NotWritten(running ? "too many writes waiting" : "the process is stopping", null);
        }
        try {
            return pending.result().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new NotWritten("not written", e.getCause());
        } catch (TimeoutException e) {
            failures.mark();
            throw new NotWritten("not written within " + timeout.toMillis() + " ms", e);
        }
    }

    private void run() {
        List<Pending<T, R>> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Pending<T, R> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                writeBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                // writeBatch completes every future itself; this is only a last guard for the thread.
                LOG.error("{} writer failed", name, e);
                batch.forEach(p -> p.result().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void writeBatch(List<Pending<T, R>> batch) {
        List<T> items = new ArrayList<>(batch.size());
        batch.forEach(p -> items.add(p.item()));
        List<R> results;
        try (Timer.Context ignored = batchTimer.time()) {
            results = write.write(items);
        } catch (Exception e) {
            if (batch.size() > 1 && split.test(e)) {
                for (Pending<T, R> one : batch) {
                    writeBatch(List.of(one));
                }
                return;
            }
            failures.mark(batch.size());
            LOG.error("{}: {} writes failed: {}", name, batch.size(), e.toString());
            batch.forEach(p -> p.result().completeExceptionally(e));
            return;
        }
        batchSizes.update(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(results.get(i));
        }
    }
}
