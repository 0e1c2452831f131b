package com.koomy.email;

import com.koomy.newsletters.ListUnsubscribe;
import com.koomy.newsletters.Newsletters;
import com.koomy.ratelimit.ProviderRateLimiter;

import com.codahale.metrics.MetricRegistry;
import com.koomy.email.EmailClaims.Send;
import com.koomy.email.EmailClaims.Sent;
import com.koomy.email.EmailClaims.Step;
import com.koomy.email.EmailClaims.Wait;
import org.apache.http.conn.ConnectTimeoutException;
import org.apache.http.conn.ConnectionPoolTimeoutException;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.jobs.lambdas.JobRequestHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;

/**
 * Delivers one email, at most once per "sent". The row is locked while this attempt decides, then
 * marked {@code sending} with a lease before the provider is called, and {@code sent} after. What
 * a retry finds tells it what happened:
 * <ul>
 * <li>{@code sent}, {@code failed}, {@code suppressed}: nothing to do (duplicates and late retries);</li>
 * <li>{@code sending} within its lease: another attempt is in flight, come back after it;</li>
 * <li>{@code sending} past its lease: an attempt died between the provider and our bookkeeping. The
 *     provider may have accepted it: only templates that may be resent are ({@link
 *     EmailTemplate#resendAfterInterruption()}); the others are held in {@code sending} until SendGrid's
 *     event webhook settles them, or resent when it shows SendGrid did not take them ({@link InterruptedAttempts});
 *     without an event webhook, an operator decides.</li>
 * </ul>
 * With the local sink ({@link Mailer#transactional()}) the row goes from queued to sent in one transaction:
 * nothing to settle after a crash.
 * No token in the shared rate limit, or a 429: the row waits in the queue ({@code retry_at}) and the
 * job ends instead of holding a worker thread; {@link EmailPacer} delivers it when its time comes (no new
 * JobRunr job per wait). A 5xx or a network error: the row counts the failure and is not tried again
 * before 3^failures s ({@code retry_at}), paced the same way; after {@code maxRetries} retries it is
 * {@code failed}. The count and the wait live on the row, not in JobRunr's job: one job per email starts
 * the delivery, the waits after it are the pacer's. Any other 4xx: {@code failed}, no retry.
 * <p>
 * A send waits for the provider's answer as long as the request timeout allows (a slow SendGrid may
 * still accept), holding its job thread. So that a slow provider cannot take every job thread of the
 * worker (and starve webhooks and AI drafts), at most {@link Limits#maxInFlight()} sends wait at once;
 * a delivery finding none of those slots free comes back a moment later.
 */
public class SendEmailJob implements JobRequestHandler<SendEmail> {

    private static final Logger LOG = LoggerFactory.getLogger(SendEmailJob.class);
    private static final Duration SLOT_WAIT = Duration.ofSeconds(2);

    /**
     * {@code lease}: how long a {@code sending} row belongs to the attempt that marked it (longer than
     * any attempt); {@code maxRetries}: retries after a provider failure before the email is
     * {@code failed}; {@code maxInFlight}: sends of this process waiting for the provider at once (0: no cap);
     * {@code unconfirmedResendAfter}: how long a held attempt waits for a SendGrid event before it is sent
     * again (null: no event webhook, an operator decides).
     */
    public record Limits(Duration lease, int maxRetries, int maxInFlight, Duration unconfirmedResendAfter) {

        public Limits(Duration lease, int maxRetries, int maxInFlight) {
            this(lease, maxRetries, maxInFlight, null);
        }
    }

    private final Jdbi jdbi;
    private final Mailer mailer;
    private final EmailClaims claims;
    private final EmailPacer pacer;
    private final int maxRetries;
    private final Semaphore slots;
    private final MetricRegistry metrics;
    private final InterruptedAttempts interrupted;

    /** {@code rateLimiter}: {@link ProviderRateLimiter#NONE} for no limit (the sink, or a benchmark with the limit lifted). */
    public SendEmailJob(Jdbi jdbi, EmailRenderer renderer, Mailer mailer, ProviderRateLimiter rateLimiter,
                        EmailPacer pacer, Limits limits, MetricRegistry metrics) {
        this(jdbi, renderer, mailer, rateLimiter, pacer, limits, metrics, null);
    }

    /**
     * {@code pacer}: delivers the rows that had to wait (this job becomes its delivery); {@code listUnsubscribe}:
     * the unsubscribe headers of newsletter batches (null: none).
     */
    public SendEmailJob(Jdbi jdbi, EmailRenderer renderer, Mailer mailer, ProviderRateLimiter rateLimiter,
                        EmailPacer pacer, Limits limits, MetricRegistry metrics, ListUnsubscribe listUnsubscribe) {
        this.jdbi = jdbi;
        this.mailer = mailer;
        this.pacer = pacer;
        pacer.deliverWith(this::deliverPaced);
        this.maxRetries = limits.maxRetries();
        this.slots = limits.maxInFlight() > 0 ? new Semaphore(limits.maxInFlight()) : null;
        this.metrics = metrics;
        this.interrupted = new InterruptedAttempts(limits.unconfirmedResendAfter(), metrics);
        this.claims = new EmailClaims(renderer, mailer, rateLimiter, limits.lease(), metrics, listUnsubscribe, interrupted);
    }

    /**
     * Delivers the email; a newsletter batch that ends and releases the next one goes on with it in this
     * thread (its outbox row and job still exist, and find it settled): the window's next batch does not
     * wait for the relay's pass and JobRunr's pick-up, which capped a newsletter at about 30 batches a second.
     */
    @Override
    public void run(SendEmail request) throws Exception {
        UUID next = request.emailId();
        while (next != null) {
            next = deliverOne(next);
        }
    }

    /** Returns the newsletter batch that this one released, to deliver next; null when none. */
    private UUID deliverOne(UUID id) throws Exception {
        if (slots != null && !slots.tryAcquire()) {
            metrics.meter("koomy.email.provider-slots-full").mark();
            defer(id, SLOT_WAIT, "every " + mailer.name() + " slot of this worker is waiting for an answer");
            return null;
        }
        try {
            Step step = jdbi.inTransaction(handle -> claims.claim(handle, id));
            if (step instanceof Wait wait && wait.onRow()) {
                pacer.wake(Instant.now().plus(wait.duration()));
            } else if (step instanceof Wait wait) {
                defer(id, wait.duration(), wait.why());
            } else if (step instanceof Send send) {
                return deliver(send);
            } else if (step instanceof Sent sent) {
                return sent.next();
            }
            return null;
        } finally {
            if (slots != null) {
                slots.release();
            }
        }
    }

    private UUID deliver(Send send) throws Exception {
        UUID id = send.email().id();
        Delivery delivery;
        try (var timer = metrics.timer("koomy.email.provider-call").time()) {
            delivery = mailer.send(send.outgoing());
        } catch (IOException e) {
            String error = "no answer from " + mailer.name() + ": " + e;
            if (neverReachedProvider(e) || send.template().resendAfterInterruption()) {
                retryLater(send, error);
                return null;
            }
            // The request may have been taken before the connection broke: do not risk a second copy.
            jdbi.useTransaction(handle -> interrupted.hold(handle, send.email(), error));
            return null;
        }
        if (delivery instanceof Delivery.Accepted accepted) {
            List<UUID> released = jdbi.inTransaction(handle -> {
                handle.attach(EmailDao.class).markSent(id, accepted.messageId());
                return Newsletters.afterBatch(handle, send.email());
            });
            metrics.meter("koomy.email.sent").mark(send.outgoing().to().size());
            return released.isEmpty() ? null : released.get(0);
        } else if (delivery instanceof Delivery.RateLimited limited) {
            // On the row too: a continuation JobRunr starts early (it enqueues up to a poll interval ahead) waits.
            Instant retryAt = Instant.now().plus(limited.retryAfter());
            jdbi.useExtension(EmailDao.class, dao -> dao.requeue(id, limited.detail(), retryAt));
            metrics.meter("koomy.email.provider-429").mark();
            pacer.wake(retryAt);
        } else if (delivery instanceof Delivery.Unavailable unavailable) {
            retryLater(send, unavailable.detail());
        } else if (delivery instanceof Delivery.Rejected rejected) {
            jdbi.useTransaction(handle -> {
                handle.attach(EmailDao.class).markFailed(id, rejected.detail());
                Newsletters.afterBatch(handle, send.email());
            });
            metrics.meter("koomy.email.rejected").mark();
            LOG.warn("Email {} ({}) rejected, not retried: {}", id, send.email().idempotencyKey(), rejected.detail());
        }
        return null;
    }

    private static boolean neverReachedProvider(IOException e) {
        return e instanceof ConnectException || e instanceof ConnectTimeoutException
                || e instanceof ConnectionPoolTimeoutException || e instanceof UnknownHostException;
    }

    /**
     * The provider failed (5xx, no answer): retried after 3^n s, n the failures so far (as JobRunr's own
     * backoff: 3 s, 9 s, 27 s... about 2.7 hours over 8 retries), or {@code failed} once the retries
     * are spent. The wait is on the row, so whichever job picks the email up next respects it.
     */
    private void retryLater(Send send, String error) {
        UUID id = send.email().id();
        int failures = send.email().failures() + 1;
        metrics.meter("koomy.email.provider-failures").mark();
        if (failures > maxRetries) {
            jdbi.useTransaction(handle -> {
                handle.attach(EmailDao.class).markFailed(id, error);
                Newsletters.afterBatch(handle, send.email());
            });
            metrics.meter("koomy.email.failed").mark();
            LOG.error("Email {} ({}) failed {} times and has no retries left; it is marked failed: {}", id,
                    send.email().idempotencyKey(), failures, error);
            return;
        }
        Duration backoff = Duration.ofSeconds((long) Math.pow(3, failures));
        Instant retryAt = Instant.now().plus(backoff);
        jdbi.useExtension(EmailDao.class, dao -> dao.requeueAfterFailure(id, error, retryAt));
        LOG.warn("Email {} ({}): {}; retry {} of {} in {} s", id, send.email().idempotencyKey(), error, failures, maxRetries,
                backoff.toSeconds());
        pacer.wake(retryAt);
    }

    /**
     * The row waits in the queue until {@code wait} is over (a later wait already on it stays) rather than
     * a worker thread, or a new job; the pacer delivers it then. A row another attempt holds is left to it.
     */
    private void defer(UUID id, Duration wait, String why) {
        Instant at = Instant.now().plus(wait);
        jdbi.useExtension(EmailDao.class, dao -> dao.defer(id, at));
        pacer.wake(at);
        LOG.debug("Email {} waits until {}: {}", id, at, why);
    }

    /** The pacer's delivery of a row whose wait is over: the same steps as the job's. */
    private void deliverPaced(UUID id) {
        try {
            run(new SendEmail(id));
        } catch (RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("email " + id + ": interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException("email " + id + ": " + e, e);
        }
    }
}
