package com.koomy.api.payments;

import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.api.auth.Access;
import com.koomy.errors.ApiException;
import com.koomy.payments.ManualPayments;
import com.koomy.payments.Payment;
import com.koomy.payments.PaymentRefunds;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import java.time.LocalDate;
import java.util.UUID;
import com.koomy.api.docs.Refusal;

/**
 * The treasurer's corrections (issue 21): payments made outside Stripe recorded and voided, card payments
 * refunded. Owners and admins (checked by the domain inside its transaction); every request names itself
 * with an Idempotency-Key so that a retry never records or refunds twice.
 */
@Path("/api")
@Tag(name = "payments")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class ManualPaymentsResource {

    /** What {@code ManualPayments.requireKey} accepts: visible ASCII characters (the length is 1-100). */
    private static final String IDEMPOTENCY_KEY = "^[!-~]+$";

    private final ManualPayments manual;
    private final PaymentRefunds refunds;

    public ManualPaymentsResource(ManualPayments manual, PaymentRefunds refunds) {
        this.manual = manual;
        this.refunds = refunds;
    }

    public record ManualPaymentRequest(@NotNull UUID accountId, @NotNull UUID tierId,
                                       @NotNull @Pattern(regexp = "cash|cheque|transfer") String method,
                                       @Min(1) @Max(100_000_000) Long amount, LocalDate paidOn,
                                       @Size(max = 200) String reference, @Size(min = 1, max = 100) String clientReference) {
    }

    public record VoidRequest(@Size(max = 500) String reason) {
    }

    public record RefundRequest(@Min(1) @Max(100_000_000) Long amount,
                                @Pattern(regexp = "duplicate|fraudulent|requested_by_customer") String reason) {
    }

    @Access(Access.Who.MANAGER)
    @POST
    @Path("/communities/{communityId}/payments/manual")
    @Timed
    @Refusal(status = 400, codes = {"idempotency_key_mismatch", "idempotency_key_required", "invalid_idempotency_key", "invalid_method", "invalid_paid_on"})
    @Refusal(status = 404, codes = {"community_not_found", "member_not_found", "tier_not_found"})
    @Refusal(status = 409, codes = {"card_payment", "community_archived", "idempotency_key_reused"})
    @Operation(operationId = "recordManualPayment", summary = "Record a dues payment made outside Stripe",
            description = "Owners and admins: a cash, cheque or bank transfer payment of a member (accountId) for a dues "
                    + "tier; amount in minor units (default the tier's), paidOn (default today, UTC), reference (a cheque "
                    + "number). It extends the member's paid-until as a card payment does and issues the numbered receipt "
                    + "(R-year-number, emailed). Idempotency-Key header (or clientReference) required: 201 with the payment, "
                    + "200 with the same payment when the key was seen before. 400 idempotency_key_required, invalid_method, "
                    + "invalid_paid_on, validation_failed, invalid_idempotency_key, idempotency_key_mismatch (header and "
                    + "clientReference differ); 403 other members; 404 community_not_found, member_not_found, "
                    + "tier_not_found; 409 idempotency_key_reused (the key made another payment). 409 community_archived: the community is archived (read-only).")
    @ApiResponse(responseCode = "201", description = "The payment recorded",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Payment.class)))
    @ApiResponse(responseCode = "200", description = "The payment this key recorded before",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Payment.class)))
    public Response record(@PathParam("communityId") UUID communityId, @HeaderParam("Idempotency-Key") @io.swagger.v3.oas.annotations.Parameter(
                                   description = "Names this payment (or send clientReference): a retry with it answers the same one",
                                   schema = @Schema(minLength = 1, maxLength = 100, pattern = IDEMPOTENCY_KEY)) String key,
                           @Valid @NotNull ManualPaymentRequest r, @Context SecurityContext context) {
        ManualPayments.Recorded recorded = manual.record(communityId, CurrentAccount.require(context).accountId(),
                new ManualPayments.NewPayment(r.accountId(), r.tierId(), r.method(), r.amount(), r.paidOn(), r.reference()),
                oneKey(key, r.clientReference()));
        return Response.status(recorded.created() ? 201 : 200).entity(recorded.payment()).build();
    }

    @Access(Access.Who.MANAGER)
    @POST
    @Path("/communities/{communityId}/payments/{paymentId}/void")
    @Timed
    @Refusal(status = 404, codes = {"payment_not_found"})
    @Refusal(status = 409, codes = {"card_payment"})
    @Operation(operationId = "voidManualPayment", summary = "Void a payment recorded by hand",
            description = "Owners and admins: 200 with the payment, status void; the paid-until extension is rolled back "
                    + "(unless a later payment moved it since) and the receipt marked void (its number is never reused). "
                    + "Voiding again answers the same. Optional body {reason}. 403 other members; 404 payment_not_found "
                    + "(also another community's payment); 409 card_payment (refund those).")
    @ApiResponse(responseCode = "200", description = "The voided payment",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Payment.class)))
    public Payment voidPayment(@PathParam("communityId") UUID communityId, @PathParam("paymentId") UUID paymentId,
                               @Valid VoidRequest r, @Context SecurityContext context) {
        return manual.voidPayment(communityId, CurrentAccount.require(context).accountId(), paymentId,
                r == null ? null : r.reason());
    }

    @Access(Access.Who.MANAGER)
    @POST
    @Path("/communities/{communityId}/payments/{paymentId}/refund")
    @Timed
    @Refusal(status = 400, codes = {"idempotency_key_mismatch", "idempotency_key_required", "invalid_idempotency_key", "invalid_reason"})
    @Refusal(status = 404, codes = {"payment_not_found"})
    @Refusal(status = 409, codes = {"card_payment", "idempotency_key_reused", "not_a_card_payment", "not_refundable"})
    @Refusal(status = 422, codes = {"amount_too_large"})
    @Refusal(status = 502, codes = {"stripe_error", "stripe_refused"})
    @Refusal(status = 503, codes = {"stripe_busy", "stripe_not_configured", "stripe_unavailable"})
    @Operation(operationId = "refundPayment", summary = "Refund a card payment, fully or partly",
            description = "Owners and admins: a Stripe refund on the community's connected account; amount in minor units "
                    + "(default all that is left), reason duplicate, fraudulent or requested_by_customer. Idempotency-Key "
                    + "header required (a retry answers the same refund). 202 {id, paymentId, amount, currency, reason, "
                    + "status, stripeRefundId, createdAt}: the payment's refunded total changes when Stripe's "
                    + "charge.refunded arrives. 400 idempotency_key_required, invalid_idempotency_key, validation_failed; 403 other members; 404 "
                    + "payment_not_found; 409 not_a_card_payment, not_refundable, idempotency_key_reused; 422 "
                    + "amount_too_large; 429 rate_limited; 502 stripe_refused; 503 stripe_not_configured or "
                    + "stripe_unavailable (send the same request again).")
    @ApiResponse(responseCode = "202", description = "The refund asked of Stripe",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = PaymentRefunds.Refund.class)))
    public Response refund(@PathParam("communityId") UUID communityId, @PathParam("paymentId") UUID paymentId,
                           @HeaderParam("Idempotency-Key") @io.swagger.v3.oas.annotations.Parameter(required = true,
                                   description = "Any unique text (1-100 characters): a retry with it answers the same refund",
                                   schema = @Schema(minLength = 1, maxLength = 100, pattern = IDEMPOTENCY_KEY))
                           String key, @Valid RefundRequest r,
                           @Context SecurityContext context) {
        PaymentRefunds.Refund refund = refunds.refund(communityId, CurrentAccount.require(context).accountId(), paymentId,
                r == null ? null : r.amount(), r == null ? null : r.reason(), key);
        return Response.status(202).entity(refund).build();
    }

    private static String oneKey(String header, String clientReference) {
        if (header != null && clientReference != null && !header.equals(clientReference)) {
            throw new ApiException(400, "idempotency_key_mismatch",
                    "clientReference: differs from the Idempotency-Key header; send one of them, or the same value");
        }
        return header != null ? header : clientReference;
    }
}
