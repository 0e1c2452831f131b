package com.koomy.api.ops;

import com.koomy.newsletters.ListUnsubscribe;
import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.koomy.email.EmailDao;
import com.koomy.email.EmailMessage;
import com.koomy.email.EmailOutbox;
import com.koomy.email.EmailStatus;
import com.koomy.email.EmailTemplate;
import com.koomy.email.InvalidEmailException;
import com.koomy.email.Recipient;
import com.koomy.errors.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.jdbi.v3.core.Jdbi;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import com.koomy.api.docs.Refusal;

/**
 * The operators' view of outgoing email: what was sent (to the local sink, its rendered content)
 * and what needs a decision (an email interrupted while sending that must not be resent blindly).
 */
@Access(Access.Who.OPERATOR)
@Path("/api/ops")
@Tag(name = "ops")
@Produces(MediaType.APPLICATION_JSON)
public class OpsOutboxResource {

    /** Sample values for every template's variables, so a test email reads like a real one. */
    private static final Map<String, Object> SAMPLE_VARIABLES = Map.ofEntries(
            Map.entry("recipientName", "Ada Lovelace"), Map.entry("communityName", "Club de voile de Brest"),
            Map.entry("resetUrl", "https://koomy.example/reset?token=sample"), Map.entry("expiresInMinutes", 30),
            Map.entry("verifyUrl", "https://koomy.example/verify?token=sample"), Map.entry("expiresInHours", 48),
            Map.entry("inviterName", "Grace Hopper"), Map.entry("acceptUrl", "https://koomy.example/invitations/sample"),
            Map.entry("expiresOn", "2026-12-31"), Map.entry("amount", "25.00"), Map.entry("currency", "EUR"),
            Map.entry("paidAt", "2026-11-24"), Map.entry("description", "Cotisation 2026"),
            Map.entry("receiptNumber", "R-2026-0001"), Map.entry("eventTitle", "Assemblée générale"),
            Map.entry("eventStart", "2026-12-12 18:00"), Map.entry("location", "Salle des fêtes"),
            Map.entry("ticketCode", "TK-SAMPLE"), Map.entry("qrPayload", "koomy:ticket:sample"),
            Map.entry("dueDate", "2027-01-31"), Map.entry("payUrl", "https://koomy.example/pay/sample"),
            Map.entry("subject", "Test newsletter"), Map.entry("body", "A test newsletter body.\nSecond line."),
            Map.entry("message", "Welcome aboard! See you at the next meeting."));

    private final Jdbi jdbi;
    private final ListUnsubscribe listUnsubscribe;

    public OpsOutboxResource(Jdbi jdbi) {
        this(jdbi, null);
    }

    /** {@code listUnsubscribe}: to show each newsletter recipient's List-Unsubscribe headers as the worker sets them. */
    public OpsOutboxResource(Jdbi jdbi, ListUnsubscribe listUnsubscribe) {
        this.listUnsubscribe = listUnsubscribe;
        this.jdbi = jdbi;
    }

    public record Page(int page, int limit, long total, List<OutboxEmailView> items) {
    }

    public record TestEmailRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) String to, String template,
                                   @Schema(allowableValues = {"fr", "en"}) String locale) {
    }

    public record Queued(UUID id, String idempotencyKey, String status) {
    }

    @GET
    @Path("/outbox")
    @Timed
    @Refusal(status = 400, codes = {"invalid_page", "invalid_status"})
    @Operation(operationId = "listOutbox", summary = "Outgoing emails, newest first, with their rendered content",
            description = "Paginated (page from 1, limit 1-200); status filters by queued, sending, sent, failed or "
                    + "suppressed. 400 for a bad status or page. Operator only.")
    public Page outbox(@QueryParam("status") String status,
                       @QueryParam("page") @DefaultValue("1") int page,
                       @QueryParam("limit") @DefaultValue("50") int limit) {
        if (status != null && Arrays.stream(EmailStatus.values()).noneMatch(s -> s.name().equals(status))) {
            throw ApiException.invalidField("invalid_status", "status", "must be one of "
                    + Arrays.stream(EmailStatus.values()).map(Enum::name).collect(java.util.stream.Collectors.joining(", ")));
        }
        if (page < 1) {
            throw ApiException.invalidField("invalid_page", "page", "must be 1 or more");
        }
        if (limit < 1 || limit > 200) {
            throw ApiException.invalidField("invalid_page", "limit", "must be between 1 and 200");
        }
        return jdbi.withExtension(EmailDao.class, dao -> new Page(page, limit, dao.count(status),
                dao.page(status, limit, (page - 1) * limit).stream().map(e -> OutboxEmailView.of(e, listUnsubscribe)).toList()));
    }

    @POST
    @Path("/emails/{id}/resend")
    @Timed
    @Refusal(status = 409, codes = {"conflict"})
    @Operation(operationId = "resendEmail", summary = "Deliver again an email that failed or was interrupted while sending",
            description = "For an email held in 'sending' (the provider may have taken it) or 'failed'. 404 unknown "
                    + "id; 409 in any other status, or once retention replaced its addresses (a year after it was "
                    + "created). Operator only.")
    public Queued resend(@PathParam("id") UUID id) {
        return jdbi.inTransaction(handle -> {
            EmailDao dao = handle.attach(EmailDao.class);
            dao.lock(id).orElseThrow(() -> new ApiException(404, "not_found", "no email " + id));
            if (dao.requeueByOperator(id) == 0) {
                throw new ApiException(409, "conflict", "only a failed email or one held in sending, with its addresses, can be resent");
            }
            EmailOutbox.requeue(handle, id, "resend");
            return new Queued(id, dao.find(id).orElseThrow().idempotencyKey(), EmailStatus.queued.name());
        });
    }

    @POST
    @Path("/emails/{id}/mark-sent")
    @Timed
    @Refusal(status = 409, codes = {"conflict"})
    @Operation(operationId = "markEmailSent", summary = "Record that an email held in 'sending' did reach the provider",
            description = "After checking SendGrid's activity for its koomy_key. 404 unknown id; 409 unless it is "
                    + "held in 'sending'. Operator only.")
    public Queued markSent(@PathParam("id") UUID id) {
        return jdbi.inTransaction(handle -> {
            EmailDao dao = handle.attach(EmailDao.class);
            dao.lock(id).orElseThrow(() -> new ApiException(404, "not_found", "no email " + id));
            if (dao.markSentByOperator(id) == 0) {
                throw new ApiException(409, "conflict", "only an email held in sending can be marked sent");
            }
            return new Queued(id, dao.find(id).orElseThrow().idempotencyKey(), EmailStatus.sent.name());
        });
    }

    @POST
    @Path("/emails/test")
    @Consumes(MediaType.APPLICATION_JSON)
    @Timed
    @Refusal(status = 400, codes = {"invalid_locale", "invalid_request", "invalid_template"})
    @Operation(operationId = "sendTestEmail", summary = "Queue a test email (welcome template unless another is named)",
            description = "Goes the whole way: outbox, worker, SendGrid or the local sink. 400 invalid_request (no to), "
                    + "invalid_recipient (a bad address), invalid_template, invalid_locale. Operator only.")
    public Queued test(@RequestBody(required = true) TestEmailRequest request) {
        if (request == null || request.to() == null) {
            throw ApiException.invalidField("invalid_request", "to", "is required, such as someone@example.org");
        }
        try {
            EmailTemplate template = request.template() == null ? EmailTemplate.WELCOME
                    : EmailTemplate.byId(request.template()).orElseThrow(() -> new InvalidEmailException("invalid_template",
                    "template must be one of " + Arrays.stream(EmailTemplate.values()).map(EmailTemplate::id).toList()));
            String key = "ops-test:" + UUID.randomUUID();
            EmailMessage message = EmailMessage.to(Recipient.of(request.to()), template,
                    request.locale() == null ? "en" : request.locale(),
                    SAMPLE_VARIABLES, null, key);
            UUID id = jdbi.inTransaction(handle -> EmailOutbox.enqueue(handle, message));
            return new Queued(id, key, EmailStatus.queued.name());
        } catch (InvalidEmailException e) {
            throw switch (e.code()) {
                case "invalid_template" -> ApiException.invalidField(e.code(), "template", "must be one of "
                        + Arrays.stream(EmailTemplate.values()).map(EmailTemplate::id).collect(java.util.stream.Collectors.joining(", ")));
                case "invalid_locale" -> ApiException.invalidField(e.code(), "locale", "must be one of en, fr");
                default -> ApiException.invalidField(e.code(), "to", "must be an email address such as someone@example.org");
            };
        }
    }
}
