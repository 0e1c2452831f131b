package com.koomy.worker.stripe;

import com.koomy.db.KoomyDatabase;
import com.koomy.stripe.StripeGateway;
import com.koomy.stripe.events.StripeReconciler;
import com.koomy.worker.WorkerConfiguration;
import com.codahale.metrics.MetricRegistry;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.jdbi.v3.core.Jdbi;

import java.time.Duration;
import java.time.Instant;

/**
 * {@code stripe-reconcile --from 2026-11-24T01:00:00Z --to 2026-11-24T03:00:00Z CONFIG}: after an outage,
 * ingests every Stripe event of the range (platform and connected accounts) that we do not have. Safe to
 * run twice or over a range the recurring job already covered: events are stored once by their id, and
 * the running workers apply what is new.
 */
public class StripeReconcileCommand extends ConfiguredCommand<WorkerConfiguration> {

    public StripeReconcileCommand() {
        super("stripe-reconcile", "Ingest the Stripe events of a time range that were never received");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("--from").required(true).help("start, ISO-8601 instant (2026-11-24T01:00:00Z)");
        subparser.addArgument("--to").help("end, ISO-8601 instant (default: now)");
        super.configure(subparser);
    }

    @Override
    protected void run(Bootstrap<WorkerConfiguration> bootstrap, Namespace namespace, WorkerConfiguration config) {
        Instant from = Instant.parse(namespace.getString("from"));
        Instant to = namespace.getString("to") == null ? Instant.now() : Instant.parse(namespace.getString("to"));
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("--to must be after --from");
        }
        Jdbi jdbi = KoomyDatabase.standalone(config.getDatabase());
        try (var redis = config.getRedis().build("koomy-stripe-reconcile")) {
            StripeGateway stripe = new StripeGateway(config.getStripe(), redis, config.getRedis().keys(), new MetricRegistry());
            StripeReconciler.Result result = new StripeReconciler(jdbi, stripe, Duration.ZERO).range(from, to);
            System.out.printf("Listed %d events in %d scopes (platform + connected accounts); %d were new and are queued%n",
                    result.seen(), result.scopes(), result.ingested());
        }
    }
}
