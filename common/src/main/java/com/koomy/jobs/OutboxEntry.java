package com.koomy.jobs;

/** One piece of work waiting to become a JobRunr job: its kind and the id of what it is about. */
public record OutboxEntry(long id, String kind, String ref) {
}
