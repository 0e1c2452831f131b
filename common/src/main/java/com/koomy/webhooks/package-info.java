/**
 * The JobRunr jobs that apply Stripe events, and only those: the rest of Stripe's events is in
 * {@code com.koomy.stripe.events}. They keep this package because JobRunr stores a job's request and
 * handler by class name: a job enqueued or scheduled for a retry under the old name would fail after a deploy
 * that moved them (see "Where each feature lives" in docs/architecture.md for how to move them safely).
 */
package com.koomy.webhooks;
