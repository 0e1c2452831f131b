package com.koomy.email;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.newsletters.NewsletterRequest;
import com.koomy.newsletters.Newsletters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Sending an email once: the request SendGrid gets (batches, newsletters, attachments), duplicates and suppressions. */
class SendEmailJobTest {

    @RegisterExtension
    static EmailJobRig rig = new EmailJobRig();

    @Test
    void aSecondEnqueueWithTheSameKeyIsANoOp() {
        EmailMessage message = EmailMessage.to(Recipient.of("Grace@Example.org"), EmailTemplate.PAYMENT_RECEIPT, "fr",
                Map.of("amount", "25.00"), null, "receipt:pi_3MtwBwLkdIwHu7ix28a3tqPa");
        UUID first = rig.jdbi.inTransaction(h -> EmailOutbox.enqueue(h, message));
        UUID second = rig.jdbi.inTransaction(h -> EmailOutbox.enqueue(h, message));

        assertThat(second).isEqualTo(first);
        int outboxRows = rig.jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM outbox WHERE kind = 'email' AND ref = :ref")
                .bind("ref", first.toString()).mapTo(Integer.class).one());
        assertThat(outboxRows).isEqualTo(1);
        assertThat(rig.email(first).recipients()).containsExactly(new Recipient("grace@example.org", null));
    }

    @Test
    void sendsOnceWithOurKeyInCustomArgsAndNeverAgain() throws Exception {
        UUID id = rig.enqueue(EmailTemplate.PASSWORD_RESET, "ada@example.org",
                Map.of("resetUrl", "https://koomy.test/reset?t=abc", "expiresInMinutes", 30));

        rig.job.run(new SendEmail(id));
        rig.job.run(new SendEmail(id)); // a duplicate job, or a retry after success

        Email sent = rig.email(id);
        assertThat(sent.status()).isEqualTo(EmailStatus.sent);
        assertThat(sent.provider()).isEqualTo("sendgrid");
        assertThat(sent.providerMessageId()).startsWith("sg-");
        assertThat(sent.attempts()).isEqualTo(1);
        assertThat(rig.sendgrid.requests()).hasSize(1);
        JsonNode body = rig.body(0);
        assertThat(body.at("/custom_args/koomy_key").asText()).isEqualTo(sent.idempotencyKey());
        assertThat(body.at("/personalizations/0/to/0/email").asText()).isEqualTo("ada@example.org");
        assertThat(body.at("/content/0/type").asText()).isEqualTo("text/plain");
        assertThat(body.at("/content/0/value").asText()).contains("https://koomy.test/reset?t=abc").contains("Ada Lovelace");
        assertThat(body.at("/content/1/value").asText()).contains("https://koomy.test/reset?t&#61;abc").contains("Ada Lovelace");
        assertThat(body.at("/subject").asText()).isEqualTo("Reset your password");
        assertThat(rig.sendgrid.requests().get(0).getHeader("Authorization")).isEqualTo("Bearer SG.test-key-not-a-secret");
    }

    @Test
    void aBatchOfRemindersIsOneRequestWithEachNameSubstitutedEscapedInHtmlOnly() throws Exception {
        UUID id = rig.jdbi.inTransaction(h -> EmailOutbox.enqueue(h, new EmailMessage(EmailTemplate.DUES_REMINDER, "en",
                List.of(new Recipient("mia@example.org", "Mia <b>& Co"), new Recipient("ned@example.org", "Ned"),
                        Recipient.of("ora@example.org")),
                Map.of("communityName", "Rowing Club", "amount", "25.00", "currency", "EUR", "dueDate", "2026-12-31",
                        "payUrl", "https://koomy.test/pay"), UUID.randomUUID(), "dues-reminders:" + UUID.randomUUID())));

        rig.job.run(new SendEmail(id));

        assertThat(rig.sendgrid.requests()).hasSize(1);
        JsonNode body = rig.body(0);
        assertThat(body.at("/content/0/value").asText()).contains("Hello [[recipient_name]],").contains("Rowing Club");
        assertThat(body.at("/content/1/value").asText()).contains("Hello [[recipient_name_html]],");
        assertThat(body.at("/personalizations")).hasSize(3);
        JsonNode mia = body.at("/personalizations/0");
        assertThat(mia.at("/to/0/email").asText()).isEqualTo("mia@example.org");
        assertThat(mia.at("/substitutions/[[recipient_name]]").asText()).isEqualTo("Mia <b>& Co");
        assertThat(mia.at("/substitutions/[[recipient_name_html]]").asText()).isEqualTo("Mia &lt;b&gt;&amp; Co");
        assertThat(body.at("/personalizations/1/substitutions/[[recipient_name]]").asText()).isEqualTo("Ned");
        assertThat(body.at("/personalizations/2/substitutions/[[recipient_name]]").asText()).isEmpty();
        assertThat(rig.email(id).status()).isEqualTo(EmailStatus.sent);
    }

    @Test
    void anAttemptInFlightIsNotDuplicated() throws Exception {
        UUID id = rig.enqueue(EmailTemplate.PASSWORD_RESET, "fay@example.org", Map.of());
        rig.jdbi.useHandle(h -> h.execute("UPDATE emails SET status = 'sending', lease_until = now() + interval '20 seconds' WHERE id = ?", id));

        rig.job.run(new SendEmail(id));

        assertThat(rig.sendgrid.requests()).isEmpty();
        assertThat(rig.email(id).status()).isEqualTo(EmailStatus.sending);
    }

    @Test
    void suppressedRecipientsAreNotMailed() throws Exception {
        rig.jdbi.useHandle(h -> h.execute("INSERT INTO email_suppressions (email, reason, scope) VALUES "
                + "('bounced@example.org', 'bounce', 'all'), ('unsub@example.org', 'unsubscribe', 'bulk')"));
        UUID bounced = rig.enqueue(EmailTemplate.PASSWORD_RESET, "bounced@example.org", Map.of());
        UUID unsubscribedReceipt = rig.enqueue(EmailTemplate.PAYMENT_RECEIPT, "unsub@example.org", Map.of());
        UUID unsubscribedReminder = rig.enqueue(EmailTemplate.DUES_REMINDER, "unsub@example.org", Map.of());

        rig.job.run(new SendEmail(bounced));
        rig.job.run(new SendEmail(unsubscribedReceipt));
        rig.job.run(new SendEmail(unsubscribedReminder));

        assertThat(rig.email(bounced).status()).isEqualTo(EmailStatus.suppressed);
        assertThat(rig.email(unsubscribedReceipt).status()).isEqualTo(EmailStatus.sent); // transactional still goes
        assertThat(rig.email(unsubscribedReminder).status()).isEqualTo(EmailStatus.suppressed);
        assertThat(rig.sendgrid.requests()).hasSize(1);
    }

    @Test
    void aTicketCarriesItsQrCodeInline() throws Exception {
        UUID id = rig.enqueue(EmailTemplate.EVENT_TICKET, "gus@example.org",
                Map.of("eventTitle", "AG 2026", "ticketCode", "TK-42", "qrPayload", "koomy:ticket:TK-42:signature"));

        rig.job.run(new SendEmail(id));

        JsonNode attachment = rig.body(0).at("/attachments/0");
        assertThat(attachment.at("/content_id").asText()).isEqualTo("ticket-qr");
        assertThat(attachment.at("/disposition").asText()).isEqualTo("inline");
        byte[] png = java.util.Base64.getDecoder().decode(attachment.at("/content").asText());
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        assertThat(rig.body(0).at("/content/1/value").asText()).contains("cid:ticket-qr");
    }

    @Test
    void aNewsletterOf2500MakesThreeRequestsWithoutDuplicateRecipients() throws Exception {
        List<Recipient> audience = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            audience.add(new Recipient(String.format("member%04d@example.org", i), "Member " + i));
        }
        audience.add(new Recipient("MEMBER0001@example.org", "same address, other case")); // one person, once
        UUID communityId = UUID.randomUUID();
        NewsletterRequest request = new NewsletterRequest(communityId, "Club de voile", "newsletter:" + UUID.randomUUID(),
                "fr", "Régate de printemps", "Rendez-vous samedi <à 9h> au port.", audience);
        UUID newsletter = rig.jdbi.inTransaction(h -> Newsletters.enqueue(h, request));
        rig.jdbi.inTransaction(h -> Newsletters.enqueue(h, request)); // repeated: no-op

        FanOutNewsletterJob fanOut = new FanOutNewsletterJob(rig.jdbi);
        fanOut.run(new FanOutNewsletter(newsletter));
        fanOut.run(new FanOutNewsletter(newsletter)); // a duplicate fan-out job makes no new batch

        List<UUID> released = rig.releasedBatches(newsletter);
        assertThat(released).hasSize(Newsletters.WINDOW);
        // Deliver batches as the queue would: each finished batch releases the next one.
        Set<UUID> delivered = new HashSet<>();
        while (!released.isEmpty()) {
            for (UUID batch : released) {
                rig.job.run(new SendEmail(batch));
                rig.job.run(new SendEmail(batch)); // every batch retried once: never resent
                delivered.add(batch);
            }
            released = rig.releasedBatches(newsletter).stream().filter(b -> !delivered.contains(b)).toList();
        }

        assertThat(rig.sendgrid.requests()).hasSize(3);
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            rig.body(i).at("/personalizations").forEach(p -> recipients.add(p.at("/to/0/email").asText()));
            assertThat(rig.body(i).at("/tracking_settings/subscription_tracking/enable").asBoolean()).isTrue();
        }
        assertThat(recipients).hasSize(2500).doesNotHaveDuplicates();
        assertThat(rig.body(0).at("/content/1/value").asText()).contains("&lt;à 9h&gt;");
        String status = rig.jdbi.withHandle(h -> h.createQuery("SELECT status FROM newsletters WHERE id = :id").bind("id", newsletter)
                .mapTo(String.class).one());
        assertThat(status).isEqualTo("sent");
    }
}
