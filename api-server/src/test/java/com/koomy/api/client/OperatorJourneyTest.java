package com.koomy.api.client;

import com.koomy.api.ApiConfiguration;
import com.koomy.api.payments.PaymentsWorld;
import com.koomy.client.api.OpsApi;
import com.koomy.client.model.OpsOutboxPage;
import com.koomy.client.model.OpsOutboxQueued;
import com.koomy.client.model.OpsOutboxTestEmailRequest;
import com.koomy.client.model.OpsStripeEventsEventView;
import com.koomy.client.model.OutboxEmailView;
import com.koomy.testing.TestStack;
import com.koomy.testing.StripeTestEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The platform operators' routes ({@code /api/ops/...}) with the generated client and the operator token:
 * a test email through the outbox, the outbox read back, emails that cannot be resent or marked sent, the
 * Stripe events by status and a replay refused, the statistics and the alerts; accounts and anonymous callers
 * are refused.
 */
class OperatorJourneyTest {

    private static final String OPS_TOKEN = "ops-test-token"; // PaymentsWorld.stripeConfig's

    @RegisterExtension
    static TestStack<ApiConfiguration> stack = PaymentsWorld.stack();

    private final Journeys journeys = new Journeys(stack.app::getLocalPort, stack.db.jdbi());

    @Test
    void anOperatorFollowsTheOutboxStripeEventsStatisticsAndAlerts() throws Exception {
        OpsApi ops = new OpsApi(journeys.client(OPS_TOKEN));

        OpsOutboxQueued queued = ops.sendTestEmail(new OpsOutboxTestEmailRequest().to("ops-check@example.org"));
        assertThat(queued.getStatus()).isEqualTo("queued");
        OpsOutboxPage outbox = ops.listOutbox("queued", 1, 50);
        assertThat(outbox.getItems()).extracting(OutboxEmailView::getId).contains(queued.getId());
        OutboxEmailView email = outbox.getItems().stream().filter(e -> e.getId().equals(queued.getId())).findFirst().orElseThrow();
        assertThat(email.getTemplate()).isEqualTo("welcome");
        // a queued email is neither resent nor marked sent; an unknown one is not found
        journeys.refused("resendEmail", 409, "conflict", () -> ops.resendEmail(queued.getId()));
        journeys.refused("markEmailSent", 409, "conflict", () -> ops.markEmailSent(queued.getId()));
        journeys.refused("resendEmail", 404, "not_found", () -> ops.resendEmail(UUID.randomUUID()));
        journeys.refused("sendTestEmail", 400, "invalid_template",
                () -> ops.sendTestEmail(new OpsOutboxTestEmailRequest().to("ops-check@example.org").template("nope")));

        // a Stripe event received (not yet applied by a worker): listed, and not replayable
        StripeSide stripeSide = new StripeSide(journeys, stack.stripe, stack.db, stack.app::getLocalPort);
        String eventId = stripeSide.deliver(StripeTestEvents.event(StripeTestEvents.newEventId(), "customer.created", "customer"));
        Map<String, List<OpsStripeEventsEventView>> received = ops.listStripeEvents("received", 10);
        assertThat(received.get("items")).extracting(OpsStripeEventsEventView::getEventId).contains(eventId);
        assertThat(ops.listStripeEvents(null, null).get("items")).isEmpty(); // failed ones, by default
        journeys.refused("replayStripeEvent", 409, "conflict", () -> ops.replayStripeEvent(eventId));
        journeys.refused("replayStripeEvent", 404, "not_found", () -> ops.replayStripeEvent("evt_unknown"));
        journeys.refused("listStripeEvents", 400, "invalid_status", () -> ops.listStripeEvents("lost", 10));

        com.koomy.client.model.OpsStats stats = ops.getOpsStats("instance", 5, null);
        assertThat(stats.getRequests().getScope()).isEqualTo("instance");
        assertThat(stats.getMinutes()).isEqualTo(5);
        com.koomy.client.model.OpsAlertsAlertList alerts = ops.listAlerts();
        assertThat(alerts.getAlerts()).extracting(com.koomy.client.model.AlertsAlertState::getName)
                .containsAll(alerts.getActive());

        // operator routes are for operators
        Journeys.Account member = journeys.signUp("Mia Member");
        journeys.refused("listAlerts", 403, "forbidden", () -> new OpsApi(journeys.client(member)).listAlerts());
        journeys.refused("listAlerts", 401, "unauthorized", () -> new OpsApi(journeys.client((String) null)).listAlerts());
        // a wrong token is read as a session that does not exist
        journeys.refused("listAlerts", 401, "invalid_session", () -> new OpsApi(journeys.client("not-the-token")).listAlerts());
    }
}
