package com.koomy.worker.e2e;

import com.koomy.email.EmailMessage;
import com.koomy.email.EmailOutbox;
import com.koomy.email.EmailTemplate;
import com.koomy.email.Recipient;
import com.koomy.newsletters.NewsletterRequest;
import com.koomy.newsletters.Newsletters;
import com.koomy.testing.FreePorts;
import com.koomy.testing.SendGridStub;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestRedis;
import org.jdbi.v3.core.Jdbi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The worker processes of {@link EmailEndToEndIT} against a SendGrid stub, and the emails queued for them. */
final class MailWorkers {

    private MailWorkers() {
    }

    /** A worker's environment against {@code sendgrid}: a fresh Redis prefix, so the workers of one test share their limit. */
    static Map<String, String> env(TestDatabase db, SendGridStub sendgrid, int rateLimit) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", db.url());
        env.put("DATABASE_USER", TestDatabase.user());
        env.put("DATABASE_PASSWORD", TestDatabase.password());
        env.put("KOOMY_REDIS_PREFIX", TestRedis.newPrefix()); // the workers of one test share their limit
        env.put("SENDGRID_API_KEY", "SG.e2e-dummy-key-not-a-secret");
        env.put("SENDGRID_BASE_URL", sendgrid.baseUrl());
        env.put("SENDGRID_RATE_LIMIT", String.valueOf(rateLimit));
        // The stub answers within 3 s; a 10-s request timeout makes the delivery lease 40 s instead of 90 s,
        // so the kill test's second worker takes over the killed worker's emails sooner.
        env.put("SENDGRID_REQUEST_TIMEOUT", "10s");
        env.put("KOOMY_DASHBOARD_ENABLED", "false");
        // Two workers must fit in PostgreSQL's default 100 connections next to whatever else runs on
        // the machine: 8 job threads each, pools sized to match.
        env.put("KOOMY_JOBS_WORKERS", "8");
        env.put("KOOMY_WORKER_DB_MAX", "12");
        env.put("KOOMY_WORKER_JOBS_DB_MAX", "14");
        env.put("KOOMY_WORKER_ADMIN_PORT", String.valueOf(FreePorts.next()));
        return PgBouncer.route(env); // unchanged unless a subclass puts PgBouncer in front
    }

    /** A worker from the jar, with an admin port of its own, once healthy. */
    static KoomyProcess worker(String name, Map<String, String> env) throws Exception {
        Map<String, String> own = new HashMap<>(env);
        own.put("KOOMY_WORKER_ADMIN_PORT", String.valueOf(FreePorts.next()));
        KoomyProcess worker = KoomyProcess.worker(name, own, Integer.parseInt(own.get("KOOMY_WORKER_ADMIN_PORT")));
        worker.awaitHealthy(Duration.ofSeconds(90));
        return worker;
    }

    /** One email of {@code template} queued to {@code to}; returns its idempotency key. */
    static String enqueue(Jdbi jdbi, EmailTemplate template, String to, String keyPrefix) {
        String key = keyPrefix + ":" + UUID.randomUUID();
        jdbi.useTransaction(h -> EmailOutbox.enqueue(h, EmailMessage.to(Recipient.of(to), template, "en",
                Map.of("resetUrl", "https://koomy.test/reset?t=" + key, "expiresInMinutes", 30, "amount", "25.00"),
                null, key)));
        return key;
    }

    /** A newsletter of the Club de voile to {@code recipients} members, fanned out into batches; returns its id. */
    static UUID enqueueNewsletter(Jdbi jdbi, int recipients) {
        List<Recipient> audience = new ArrayList<>(recipients);
        for (int i = 0; i < recipients; i++) {
            audience.add(new Recipient(String.format("member%05d@example.org", i), "Member " + i));
        }
        NewsletterRequest request = new NewsletterRequest(UUID.randomUUID(), "Club de voile",
                "newsletter:" + UUID.randomUUID(), "fr", "Régate de printemps", "Rendez-vous samedi à 9h au port.", audience);
        return jdbi.inTransaction(h -> Newsletters.enqueue(h, request));
    }
}
