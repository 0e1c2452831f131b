package com.koomy.worker.email;

import com.codahale.metrics.CachedGauge;
import com.koomy.config.SendGridFactory;
import com.koomy.email.Email;
import com.koomy.email.EmailDao;
import com.koomy.email.EmailFailureFilter;
import com.koomy.email.EmailOutbox;
import com.koomy.email.EmailPacer;
import com.koomy.email.EmailRenderer;
import com.koomy.email.FanOutNewsletter;
import com.koomy.email.FanOutNewsletterJob;
import com.koomy.newsletters.ListUnsubscribe;
import com.koomy.email.Mailer;
import com.koomy.newsletters.Newsletters;
import com.koomy.email.SendEmail;
import com.koomy.email.SendEmailJob;
import com.koomy.email.sendgrid.SendGridMailer;
import com.koomy.email.SinkMailer;
import com.koomy.newsletters.UnsubscribeTokens;
import com.koomy.ratelimit.ProviderRateLimiter;
import com.koomy.worker.WorkerConfiguration;
import com.koomy.worker.jobs.OutboxRoutes;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.jobs.filters.JobFilter;
import org.jobrunr.scheduling.JobBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Email: delivery of every queued email through SendGrid when SENDGRID_API_KEY is set (rate-limited for
 * all workers together through Redis), else through the local sink; and the fan-out of newsletters into
 * batches (a scheduled newsletter's job is scheduled for its time).
 */
public final class EmailWorker {

    private static final Logger LOG = LoggerFactory.getLogger(EmailWorker.class);
    /** The pacer's deliveries at once without provider slots (the sink). */
    private static final int MIN_PACER_THREADS = 4;

    private final Jdbi jdbi;
    private final int retries;
    private final SendEmailJob sendEmail;

    public EmailWorker(WorkerConfiguration config, Environment environment, Jdbi jdbi, UnifiedJedis redis) {
        this.jdbi = jdbi;
        this.retries = config.getJobs().getEmailRetries();
        SendGridFactory sendgrid = config.getSendgrid();
        Mailer mailer = new SinkMailer();
        ProviderRateLimiter limiter = ProviderRateLimiter.NONE;
        // Half the job threads at most wait for SendGrid at once: a slow SendGrid (answers take up to the
        // request timeout) leaves the other half to webhooks and AI drafts.
        int maxInFlight = 0;
        if (sendgrid.isConfigured()) {
            SendGridMailer sendGridMailer = new SendGridMailer(sendgrid, config.getJobs().getWorkerCount());
            environment.lifecycle().manage(new Managed() {
                @Override
                public void stop() throws Exception {
                    sendGridMailer.close();
                }
            });
            mailer = sendGridMailer;
            limiter = new ProviderRateLimiter(redis, config.getRedis().keys().providerLimit("sendgrid"),
                    sendgrid.getRateLimitPerSecond());
            maxInFlight = Math.max(1, config.getJobs().getWorkerCount() / 2);
        }
        LOG.info("Email goes to {}{}", mailer.name(), sendgrid.isConfigured()
                ? " at most " + sendgrid.getRateLimitPerSecond() + " requests/s across all workers" : "");
        environment.metrics().register("koomy.email.needing-operator", new CachedGauge<Long>(30, TimeUnit.SECONDS) {
            @Override
            protected Long loadValue() {
                return jdbi.withExtension(EmailDao.class, EmailDao::countNeedingOperator);
            }
        });
        environment.metrics().register("koomy.email.awaiting-confirmation", new CachedGauge<Long>(30, TimeUnit.SECONDS) {
            @Override
            protected Long loadValue() {
                return jdbi.withExtension(EmailDao.class, EmailDao::countAwaitingConfirmation);
            }
        });
        if (sendgrid.isConfigured() && sendgrid.heldResendAfter() == null) {
            LOG.warn("No SendGrid event webhook key (SENDGRID_WEBHOOK_PUBLIC_KEY) or SENDGRID_UNCONFIRMED_RESEND_AFTER=0: "
                    + "an email interrupted in SendGrid's hands waits for an operator");
        }
        // Newsletters carry List-Unsubscribe (mailto and a signed one-click link; mailto alone without the secret).
        UnsubscribeTokens tokens = UnsubscribeTokens.orNull(config.getUnsubscribeSecret());
        if (tokens == null) {
            LOG.warn("KOOMY_UNSUBSCRIBE_SECRET is not set: newsletters "
                    + "go out with a mailto List-Unsubscribe only (the API refuses to send new ones)");
        }
        // Deliveries that wait (rate limit, backoff, every provider slot busy) wait in the emails table; the pacer
        // delivers them when due, as many at once as the provider slots allow: with 4 threads, a burst larger
        // than the slots (most of it finds them busy and waits here) went out 4 at a time, ~37/s (issue 18).
        EmailPacer pacer = new EmailPacer(jdbi, Math.max(MIN_PACER_THREADS, maxInFlight),
                java.time.Duration.ofSeconds(1), environment.metrics());
        environment.lifecycle().manage(pacer);
        // The lease outlives an attempt that times out, so a live attempt is never taken for a dead one.
        this.sendEmail = new SendEmailJob(jdbi,
                new EmailRenderer(Map.of("productName", "Koomy", "siteUrl", config.appPagesUrl())), mailer, limiter,
                pacer, new SendEmailJob.Limits(sendgrid.longestAttempt(), retries, maxInFlight,
                        sendgrid.heldResendAfter()), environment.metrics(),
                new ListUnsubscribe(config.getPublicUrl(), sendgrid.getFromEmail(), tokens));
    }

    public Map<Class<?>, Object> jobs() {
        return Map.of(SendEmailJob.class, sendEmail, FanOutNewsletterJob.class, new FanOutNewsletterJob(jdbi));
    }

    public JobFilter failureFilter() {
        return new EmailFailureFilter(jdbi);
    }

    public void routes(OutboxRoutes routes) {
        routes.route(Email.OUTBOX_KIND, ref -> JobBuilder.aJob()
                        .withName("Deliver email " + ref)
                        .withAmountOfRetries(retries)
                        .withJobRequest(new SendEmail(EmailOutbox.emailId(ref))))
                // A scheduled newsletter's ref carries its time: the fan-out job is scheduled for it.
                .route(Newsletters.OUTBOX_KIND, ref -> {
                    JobBuilder job = JobBuilder.aJob()
                            .withName("Send newsletter " + ref + " (snapshot and batches)")
                            .withAmountOfRetries(retries)
                            .withJobRequest(new FanOutNewsletter(Newsletters.newsletterId(ref)));
                    return Newsletters.dueAt(ref) == null ? job : job.scheduleAt(Newsletters.dueAt(ref));
                });
    }
}
