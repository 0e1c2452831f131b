package com.koomy.api.ops.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class OutboxCommandTest {

    /** A newsletter batch as GET /api/ops/outbox returns it: the summary names what an operator checks, never the HTML. */
    @Test
    void aBatchIsSummarisedWithItsHeadersAndWithoutItsHtml() throws Exception {
        JsonNode page = OpsApiCommand.JSON.readTree("""
                {"page":1,"limit":10,"total":42,"items":[{"id":"0b5f","idempotencyKey":"newsletter:1:0","template":"newsletter",
                 "locale":"fr","communityId":"c1","newsletterId":"n1","batchNo":0,"recipientCount":3,
                 "recipients":[{"email":"ada@example.org","name":"Ada"},{"email":"bob@example.org","name":null}],
                 "headers":[{"email":"ada@example.org","headers":{"To":"ada@example.org","Subject":"Nouvelles",
                   "List-Unsubscribe":"<https://api.koomy.test/api/unsubscribe?token=t>","List-Unsubscribe-Post":"List-Unsubscribe=One-Click"}}],
                 "suppressed":[],"status":"failed","provider":"sendgrid","providerMessageId":null,"attempts":8,
                 "lastError":"SendGrid 503","subject":"Nouvelles","text":"plain body","html":"<!DOCTYPE html><p>body</p>",
                 "createdAt":"2026-12-05T01:00:00Z","sentAt":null}]}
                """);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutboxCommand.print(page, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(out).startsWith("42 email(s) in the outbox; the last 1, newest first")
                .contains("2026-12-05T01:00:00Z  failed   newsletter (fr)  id 0b5f")
                .contains("  to        ada@example.org, bob@example.org and 1 more")
                .contains("  subject   Nouvelles")
                .contains("  sent by   sendgrid, 8 attempt(s)")
                .contains("  error     SendGrid 503")
                .contains("  List-Unsubscribe <https://api.koomy.test/api/unsubscribe?token=t>")
                .contains("List-Unsubscribe-Post List-Unsubscribe=One-Click")
                .doesNotContain("<!DOCTYPE").doesNotContain("plain body");
    }

    /** A dues-reminder batch: the subject as the first member got it and the values of their copy. */
    @Test
    void aRemindersBatchShowsTheFirstRecipientsValues() throws Exception {
        JsonNode page = OpsApiCommand.JSON.readTree("""
                {"page":1,"limit":10,"total":1,"items":[{"id":"9a1c","idempotencyKey":"dues-reminders:x","template":"dues_reminder",
                 "locale":"en","communityId":"c1","newsletterId":null,"batchNo":null,"recipientCount":2,
                 "recipients":[{"email":"mia@example.org","name":"Mia"},{"email":"ned@example.org","name":"Ned"}],
                 "headers":[{"email":"mia@example.org","headers":{"To":"Mia <mia@example.org>","Subject":"Dues reminder — Rowing Club"},
                   "substitutions":{"[[recipient_name_html]]":"Mia","[[recipient_name]]":"Mia"}},
                  {"email":"ned@example.org","headers":{"To":"Ned <ned@example.org>","Subject":"Dues reminder — Rowing Club"},
                   "substitutions":{"[[recipient_name_html]]":"Ned","[[recipient_name]]":"Ned"}}],
                 "suppressed":[],"status":"sent","provider":"sink","providerMessageId":"sink-1","attempts":1,
                 "lastError":null,"subject":"Dues reminder — Rowing Club","text":"Hello [[recipient_name]],","html":"<p>x</p>",
                 "createdAt":"2026-12-05T01:00:00Z","sentAt":"2026-12-05T01:00:01Z"}]}
                """);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutboxCommand.print(page, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);

        assertThat(out).contains("  subject   Dues reminder — Rowing Club")
                .contains("  values    [[recipient_name_html]] = Mia, [[recipient_name]] = Mia (in mia@example.org's copy;");
    }
}
