package com.koomy.worker.jobs;

import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.filters.JobServerFilter;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Counts the jobs this process is running, so that stopping can wait for them. JobRunr stops its
 * job server from its own JVM shutdown hook, concurrently with Dropwizard's, and its {@code stop()}
 * returns at once when that hook got there first: without this wait, Dropwizard would close the mail
 * client and the data sources under jobs still running (a receipt in flight would then be held for an
 * operator on every deploy).
 */
public class InFlightJobs implements JobServerFilter {

    private int running;

    @Override
    public synchronized void onProcessing(Job job) {
        running++;
    }

    @Override
    public synchronized void onProcessingSucceeded(Job job) {
        done();
    }

    @Override
    public synchronized void onProcessingFailed(Job job, Exception e) {
        done();
    }

    private void done() {
        running = Math.max(0, running - 1);
        notifyAll();
    }

    public synchronized int running() {
        return running;
    }

    /** Waits until no job runs here, at most {@code timeout}; returns how many still run. */
    public synchronized int awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (running > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return running;
    }
}
