package com.koomy.email;

import com.koomy.newsletters.ListUnsubscribe;
import com.koomy.newsletters.Newsletters;
import com.koomy.qr.QrCodes;
import com.koomy.ratelimit.ProviderRateLimiter;

import com.codahale.metrics.MetricRegistry;
import org.jdbi.v3.core.Handle;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The first half of a delivery, in the transaction that locks the email's row: decides from the row what
 * this attempt does ({@link Step}), and when it is to send, leaves out the suppressed recipients, renders,
 * takes a token of the shared rate limit and marks the row {@code sending} with its lease. With the local
 * sink ({@link Mailer#transactional()}) it also sends, in the same commit. {@link SendEmailJob} does the rest.
 */
final class EmailClaims {

    sealed interface Step {
    }

    record Done() implements Step {
    }

    /** {@code onRow}: the row already says until when (a backoff); else the wait is written on it. */
    record Wait(Duration duration, String why, boolean onRow) implements Step {
    }

    record Send(Email email, OutgoingEmail outgoing, EmailTemplate template) implements Step {
    }

    /** Delivered in the transaction that claimed it (the sink); {@code next}: the batch it released, or null. */
    record Sent(UUID next) implements Step {
    }

    private final EmailRenderer renderer;
    private final Mailer mailer;
    private final ProviderRateLimiter rateLimiter;
    private final Duration lease;
    private final MetricRegistry metrics;
    private final ListUnsubscribe listUnsubscribe;
    private final InterruptedAttempts interrupted;

    EmailClaims(EmailRenderer renderer, Mailer mailer, ProviderRateLimiter rateLimiter, Duration lease,
                MetricRegistry metrics, ListUnsubscribe listUnsubscribe, InterruptedAttempts interrupted) {
        this.renderer = renderer;
        this.mailer = mailer;
        this.rateLimiter = rateLimiter;
        this.lease = lease;
        this.metrics = metrics;
        this.listUnsubscribe = listUnsubscribe;
        this.interrupted = interrupted;
    }

    Step claim(Handle handle, UUID id) throws IOException {
        EmailDao dao = handle.attach(EmailDao.class);
        Email email = dao.lock(id).orElseThrow(() -> new IllegalStateException("email " + id + " is not stored"));
        if (email.status().settled() || email.held()) {
            return new Done();
        }
        EmailTemplate template = EmailTemplate.byId(email.template())
                .orElseThrow(() -> new IllegalStateException("email " + id + " has an unknown template " + email.template()));
        Instant now = Instant.now();
        if (email.status() == EmailStatus.sending) {
            if (email.leaseUntil() != null && email.leaseUntil().isAfter(now)) {
                // That attempt settles the row; if it dies, the pacer finds the row past its lease.
                return new Done();
            }
            if (interrupted.resolve(handle, email, template, now) == InterruptedAttempts.Outcome.DONE) {
                return new Done();
            }
        } else if (email.retryAt() != null && email.retryAt().isAfter(now)) {
            return new Wait(Duration.between(now, email.retryAt()),
                    "backing off after a failure or a 429 (" + email.failures() + " failures)", true);
        }
        // A newsletter batch also leaves out whoever unsubscribed from its community since the fan-out.
        List<Recipient> suppressed = EmailSuppressions.suppressedAmong(handle, email.recipients(), email.bulk(),
                template == EmailTemplate.NEWSLETTER ? email.communityId() : null);
        List<Recipient> to = new ArrayList<>(email.recipients());
        to.removeAll(suppressed);
        if (to.isEmpty()) {
            dao.markSuppressed(id, EmailJson.recipients(suppressed));
            Newsletters.afterBatch(handle, email);
            metrics.meter("koomy.email.suppressed").mark();
            return new Done();
        }
        RenderedEmail content = email.subject() != null
                ? new RenderedEmail(email.subject(), email.htmlBody(), email.textBody())
                : render(email, template);
        if (mailer.rateLimited()) {
            var wait = rateLimiter.tryAcquire(email.bulk());
            if (wait.isPresent()) {
                metrics.meter("koomy.email.rate-limited").mark();
                return new Wait(wait.get(), "no token in the shared rate limit", false);
            }
        }
        dao.markSending(new EmailDao.Sending(id, mailer.name(), now.plus(lease),
                suppressed.isEmpty() ? null : EmailJson.recipients(suppressed), content.subject(), content.html(),
                content.text()));
        OutgoingEmail outgoing = new OutgoingEmail(id, email.idempotencyKey(), email.attempts() + 1, template.id(), email.bulk(),
                to, content, inlineImages(template, email.variables()), headers(email, template, to),
                Personalized.substitutions(content, to));
        if (mailer.transactional() && mailer.send(outgoing) instanceof Delivery.Accepted accepted) {
            // The sink: delivered in the same commit as the claim, so a crash never leaves it sending.
            dao.markSent(id, accepted.messageId());
            List<UUID> released = Newsletters.afterBatch(handle, email);
            metrics.meter("koomy.email.sent").mark(to.size());
            return new Sent(released.isEmpty() ? null : released.get(0));
        }
        return new Send(email, outgoing, template);
    }

    private RenderedEmail render(Email email, EmailTemplate template) {
        if (template != EmailTemplate.NEWSLETTER && Personalized.applies(email)) {
            return Personalized.render(renderer, template, email.locale(), email.variables());
        }
        Map<String, Object> variables = new HashMap<>(email.variables());
        if (email.recipients().size() == 1 && email.recipients().get(0).name() != null) {
            variables.putIfAbsent("recipientName", email.recipients().get(0).name());
        }
        return renderer.render(template, email.locale(), variables);
    }

    /** Per recipient: the List-Unsubscribe headers of a newsletter (community's and newsletter's token). */
    private Map<String, Map<String, String>> headers(Email email, EmailTemplate template, List<Recipient> to) {
        if (listUnsubscribe == null || template != EmailTemplate.NEWSLETTER || email.communityId() == null) {
            return Map.of();
        }
        Map<String, Map<String, String>> headers = new HashMap<>();
        for (Recipient r : to) {
            headers.put(r.email(), listUnsubscribe.headers(email.communityId(), email.newsletterId(), r.email()));
        }
        return headers;
    }

    private static List<OutgoingEmail.InlineImage> inlineImages(EmailTemplate template, Map<String, Object> variables) {
        if (template != EmailTemplate.EVENT_TICKET || !(variables.get("qrPayload") instanceof String payload)) {
            return List.of();
        }
        return List.of(new OutgoingEmail.InlineImage("ticket-qr", "ticket.png", QrCodes.png(payload, 240)));
    }
}
