package com.koomy.api.memberships;

import com.koomy.api.auth.Access;
import com.codahale.metrics.annotation.Timed;
import com.koomy.api.accounts.AccountPrincipal;
import com.koomy.api.accounts.CurrentAccount;
import com.koomy.email.QrCodes;
import com.koomy.memberships.MembershipCard;
import com.koomy.memberships.MembershipCards;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.GET;
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
                               LocalDate duesPaidUntil, Instant issuedAt, Instant expiresAt, String payload,
                               String signature, String qrContent, String publicKey, String qrPngBase64) {
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
    @Operation(summary = "My membership card", description = "Active members: 200 {..., payload, signature "
            + "(Ed25519, base64url), qrContent (payload.signature), publicKey, qrPngBase64 unless qr=false}. "
            + "401 signed out; 404 not an active member; 503 card_keys_not_configured (KOOMY_CARD_KEY_SECRET unset).")
    public CardResponse card(@PathParam("communityId") UUID communityId, @QueryParam("qr") String qr,
                             @Context SecurityContext context) {
        UUID caller = CurrentAccount.require(context).accountId();
        return CardResponse.of(cards.card(communityId, caller), !"false".equals(qr));
    }

    @Access(Access.Who.ANYONE)
    @GET
    @Path("/communities/{communityId}/public-key")
    @Timed
    @Operation(summary = "The community's card verification key", description = "200 {algorithm: Ed25519, "
            + "format: X.509, publicKey (base64 DER)}, to anyone for a public community and to members for a "
            + "private one; 404 otherwise; 503 card_keys_not_configured.")
    public PublicKeyResponse publicKey(@PathParam("communityId") UUID communityId, @Context SecurityContext context) {
        UUID viewer = context.getUserPrincipal() instanceof AccountPrincipal p ? p.accountId() : null;
        return new PublicKeyResponse(communityId, "Ed25519", "X.509",
                Base64.getEncoder().encodeToString(cards.publicKey(communityId, viewer)));
    }
}
