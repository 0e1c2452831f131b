package com.koomy.worker.payments;

import com.koomy.config.KoomyConfiguration;
import com.koomy.payments.DuesReminders;
import com.koomy.payments.PaymentHandlers;
import com.koomy.payments.PaymentRefunds;
import com.koomy.payments.SendRefund;
import com.koomy.worker.jobs.OutboxRoutes;
import org.jobrunr.scheduling.JobBuilder;
import com.koomy.payments.SendDuesReminders;
import com.koomy.stripe.StripeGateway;
import com.koomy.webhooks.ReconcileStripeEvents;
import com.koomy.stripe.events.StripeEventHandlers;
import com.koomy.stripe.events.ReconcileStripeScope;
import com.koomy.stripe.events.StripeReconcileFanOut;
import com.koomy.stripe.events.StripeReconciler;
import org.jobrunr.scheduling.cron.CronExpression;
import io.dropwizard.lifecycle.Managed;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The worker's part of dues and plans (issue 6), in one place so that the application's wiring stays
 * a few lines: the Stripe event handlers, the job instances, and the recurring jobs (registered with
 * stable ids once JobRunr runs, so every worker registering them again changes nothing).
 */
public final class PaymentsWorker {

    private static final Logger LOG = LoggerFactory.getLogger(PaymentsWorker.class);
    private static final int REFUND_RETRIES = 10;

    private final KoomyConfiguration config;
    private final StripeGateway stripe;
    private final Jdbi jdbi;
    private final StripeReconciler reconciler;
    private final StripeReconcileFanOut reconcileFanOut;

    /** {@code scheduler}: JobRunr's, asked for when the reconciliation fans out (JobRunr starts after this is built). */
    public PaymentsWorker(KoomyConfiguration config, StripeGateway stripe, Jdbi jdbi, Supplier<JobRequestScheduler> scheduler) {
        this.config = config;
        this.stripe = stripe;
        this.jdbi = jdbi;
        this.reconciler = new StripeReconciler(jdbi, stripe,
                config.getPayments().getReconcileFirstLookBack().toJavaDuration());
        // The scope jobs are spread over the time between two runs of the recurring job.
        Duration interval = new CronExpression(config.getPayments().getReconcileCron()).durationBetweenSchedules();
        this.reconcileFanOut = new StripeReconcileFanOut(jdbi, reconciler, scheduler, interval, Clock.systemUTC());
    }

    public StripeEventHandlers handlers(StripeEventHandlers handlers) {
        return PaymentHandlers.register(handlers, jdbi, stripe, config.getPayments(), config.appPagesUrl());
    }

    public Map<Class<?>, Object> jobs() {
        return Map.of(
                SendRefund.Handler.class, new SendRefund.Handler(new PaymentRefunds(jdbi, stripe)),
                SendDuesReminders.Handler.class, new SendDuesReminders.Handler(new DuesReminders(jdbi,
                        config.getPayments().getReminderDaysBefore(), config.appPagesUrl(), Clock.systemUTC())),
                ReconcileStripeEvents.Handler.class, new ReconcileStripeEvents.Handler(reconcileFanOut),
                ReconcileStripeScope.Handler.class, new ReconcileStripeScope.Handler(reconciler));
    }

    /** The refunds no manager waits for (a payment of an archived community), from the outbox. */
    public void routes(OutboxRoutes routes) {
        routes.route(PaymentRefunds.SEND_KIND, ref -> JobBuilder.aJob()
                .withName("Refund the payment of an archived community (refund " + ref + ")")
                .withAmountOfRetries(REFUND_RETRIES)
                .withJobRequest(new SendRefund(java.util.UUID.fromString(ref))));
    }

    /** Registers the recurring jobs at start (after JobRunr: manage it after the JobRunr runtime). */
    public Managed recurringJobs(Supplier<JobRequestScheduler> scheduler) {
        return new Managed() {
            @Override
            public void start() {
                scheduler.get().scheduleRecurrently(SendDuesReminders.RECURRING_ID, config.getPayments().getReminderCron(),
                        ZoneOffset.UTC, new SendDuesReminders());
                if (stripe.isConfigured()) {
                    scheduler.get().scheduleRecurrently(ReconcileStripeEvents.RECURRING_ID,
                            config.getPayments().getReconcileCron(), ZoneOffset.UTC, new ReconcileStripeEvents());
                } else {
                    LOG.info("Stripe reconciliation not scheduled: STRIPE_API_KEY is not set");
                }
            }
        };
    }

    public StripeReconciler reconciler() {
        return reconciler;
    }
}
