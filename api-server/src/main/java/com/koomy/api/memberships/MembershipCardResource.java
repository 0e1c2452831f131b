package com.koomy.api.memberships;

import jakarta.annotation.Nullable;
import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.AccountPrincipal;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.qr.QrCodes;
import com.koomy.memberships.MembershipCard;
import com.koomy.memberships.MembershipCards;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.UUID;
import com.koomy.api.docs.Refusal;

/** Membership cards with an Ed25519-signed QR payload, and the community public key that verifies them offline. */
@Path("/api")
@Tag(name = "memberships")
@Produces(MediaType.APPLICATION_JSON)
public class MembershipCardResource {

    static final int QR_SIZE = 320;

    private final MembershipCards cards;

    public MembershipCardResource(MembershipCards cards) {
        this.cards = cards;
    }

    public record CardResponse(UUID communityId, UUID accountId, String name, String role, String status,
                               @Nullable LocalDate duesPaidUntil, Instant issuedAt, Instant expiresAt, String payload,
                               String signature, String qrContent, String publicKey, @Nullable String qrPngBase64) {
        static CardResponse of(MembershipCard c, boolean qr) {
            return new CardResponse(c.communityId(), c.accountId(), c.name(), c.role(), c.status(), c.duesPaidUntil(),
                    c.issuedAt(), c.expiresAt(), c.payload(), c.signature(), c.qrContent(),
                    Base64.getEncoder().encodeToString(c.publicKey()),
                    qr ? Base64.getEncoder().encodeToString(QrCodes.png(c.qrContent(), QR_SIZE)) : null);
        }
    }

    public record PublicKeyResponse(UUID communityId, String algorithm, String format, String publicKey) {
    }

    @Access(Access.Who.MEMBER)
    @GET
    @Path("/communities/{communityId}/members/me/card")
    @Timed
    @Refusal(status = 503, codes = {"card_keys_not_configured"})
    @Operation(operationId = "getMyCard", summary = "My membership card", description = "Active members: 200 {..., payload, signature "
            + "(Ed25519, base64url), qrContent (payload.signature), publicKey, qrPngBase64 unless qr=false}. "
            + "401 signed out; 404 not an active member; 503 card_keys_not_configured (KOOMY_CARD_KEY_SECRET unset).")
    public CardResponse card(@PathParam("communityId") UUID communityId, @QueryParam("qr") String qr,
                             @Context SecurityContext context) {
        UUID caller = CurrentAccount.require(context).accountId();
        return CardResponse.of(cards.card(communityId, caller), !"false".equals(qr));
    }

    /** {@code qr}: whatever the reader read; anything not a card of this community is answered {@code invalid}, not 400. */
    public record VerifyCardRequest(@NotNull @Size(max = 4096) String qr) {
    }

    @Access(Access.Who.MANAGER)
    @POST
    @Path("/communities/{communityId}/cards/verify")
    @Consumes(MediaType.APPLICATION_JSON)
    @Timed
    @Refusal(status = 503, codes = {"card_keys_not_configured"})
    @Operation(operationId = "verifyCard", summary = "Check a membership card online", description = "Owners, admins. 200 {result, communityId, "
            + "accountId, name, role, cardRole, expiresAt}. result: valid (name and role are the holder's current ones; "
            + "cardRole the role the card was signed with), invalid (not a card of this community: unreadable, forged, "
            + "altered; the other fields null), expired, revoked (the holder is no longer an active member: removed or "
            + "left). 403 other members; 404 non-members; 503 card_keys_not_configured.")
    public MembershipCards.Verification verify(@PathParam("communityId") UUID communityId,
                                               @Valid @NotNull VerifyCardRequest r, @Context SecurityContext context) {
        return cards.verify(communityId, CurrentAccount.require(context).accountId(), r.qr());
    }

    @Access(Access.Who.MANAGER)
    @GET
    @Path("/communities/{communityId}/cards/revocations")
    @Timed
    @Refusal(status = 503, codes = {"card_keys_not_configured"})
    @Operation(operationId = "listCardRevocations", summary = "Revoked membership cards, for offline verifiers", description = "Owners, admins. 200 "
            + "{communityId, algorithm: Ed25519, format: X.509, publicKey, revoked: [{accountId, revokedAt}], generatedAt}: "
            + "refuse every card of a listed account (removed or left within the last 7 days, the longest life of a "
            + "card, and not an active member again). 403 other members; 404 non-members; 503 card_keys_not_configured.")
    public MembershipCards.Revocations revocations(@PathParam("communityId") UUID communityId,
                                                   @Context SecurityContext context) {
        return cards.revocations(communityId, CurrentAccount.require(context).accountId());
    }

    @Access(Access.Who.ANYONE)
    @GET
    @Path("/communities/{communityId}/public-key")
    @Timed
    @Refusal(status = 503, codes = {"card_keys_not_configured"})
    @Operation(operationId = "getCardPublicKey", summary = "The community's card verification key", description = "200 {algorithm: Ed25519, "
            + "format: X.509, publicKey (base64 DER)}, to anyone for a public community and to members for a "
            + "private one; 404 otherwise; 503 card_keys_not_configured.")
    public PublicKeyResponse publicKey(@PathParam("communityId") UUID communityId, @Context SecurityContext context) {
        UUID viewer = context.getUserPrincipal() instanceof AccountPrincipal p ? p.accountId() : null;
        return new PublicKeyResponse(communityId, "Ed25519", "X.509",
                Base64.getEncoder().encodeToString(cards.publicKey(communityId, viewer)));
    }
}
