/**
 * Email: one outbox ({@link com.koomy.email.EmailOutbox}), rendering, the delivery job
 * ({@link com.koomy.email.SendEmailJob}), pacing and the shared provider limit, suppressions; SendGrid's own
 * classes are in {@code email.sendgrid}, newsletters in {@code com.koomy.newsletters}.
 * <p>
 * {@link com.koomy.email.FanOutNewsletter} and {@link com.koomy.email.FanOutNewsletterJob} belong to
 * newsletters but stay here: JobRunr stores a job's request and handler by class name, so a job enqueued or
 * scheduled for a retry under the old name would fail after a deploy that moved them (see "Where each
 * feature lives" in docs/architecture.md for how to move them safely).
 */
package com.koomy.email;
