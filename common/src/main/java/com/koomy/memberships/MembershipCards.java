package com.koomy.memberships;

import jakarta.annotation.Nullable;
import com.koomy.accounts.Account;
import com.koomy.accounts.AccountDao;
import com.koomy.communities.Communities;
import com.koomy.communities.CommunityKeys;
import com.koomy.communities.Community;
import com.koomy.communities.CommunityDao;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Membership cards, signed with the community's key. A card lives {@link #TTL} (the app fetches a fresh one),
 * and no longer than the end (UTC) of the day dues are paid until, when that is set.
 */
public class MembershipCards {

    public static final Duration TTL = Duration.ofDays(7);

    private final Jdbi jdbi;
    private final CommunityKeys keys;
    private final Clock clock;

    public MembershipCards(Jdbi jdbi, CommunityKeys keys, Clock clock) {
        this.jdbi = jdbi;
        this.keys = keys;
        this.clock = clock;
    }

    /** The caller's card; 404 unless the caller is an active member (a pending or expired one too). */
    public MembershipCard card(UUID communityId, UUID accountId) {
        Membership membership = jdbi.withExtension(MembershipDao.class, dao -> dao.find(communityId, accountId))
                .filter(Membership::isActive).orElseThrow(Communities::notFound);
        Account account = jdbi.withExtension(AccountDao.class, dao -> dao.find(accountId))
                .orElseThrow(Communities::notFound);
        Instant issuedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = issuedAt.plus(TTL);
        if (membership.duesPaidUntil() != null) {
            Instant duesEnd = membership.duesPaidUntil().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            expiresAt = duesEnd.isBefore(expiresAt) ? duesEnd : expiresAt;
        }
        String payload = MembershipCard.PREFIX + communityId + ":" + accountId + ":" + membership.role() + ":"
                + expiresAt.getEpochSecond();
        String signature = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(keys.sign(communityId, payload.getBytes(StandardCharsets.UTF_8)));
        return new MembershipCard(communityId, accountId, account.name(), membership.role(), membership.status(),
                membership.duesPaidUntil(), issuedAt, expiresAt, payload, signature, keys.publicKey(communityId));
    }

    /** The answer to an online card check; only {@code result} when the card is not the community's. */
    public record Verification(String result, @Nullable UUID communityId, @Nullable UUID accountId, @Nullable String name, @Nullable String role,
                               @Nullable String cardRole, @Nullable Instant expiresAt) {
        public static final String VALID = "valid";
        public static final String INVALID = "invalid";
        public static final String EXPIRED = "expired";
        public static final String REVOKED = "revoked";

        static Verification invalid() {
            return new Verification(INVALID, null, null, null, null, null, null);
        }
    }

    /** What an offline verifier needs besides the public key: whose cards no longer count. */
    public record Revocations(UUID communityId, String algorithm, String format, String publicKey,
                              List<CardRevocationDao.Revoked> revoked, Instant generatedAt) {
    }

    /**
     * Checks a card's QR content for the community's owners and admins (404/403 to others): {@code invalid}
     * (not this community's card: unreadable, another community's, forged or altered), {@code expired},
     * {@code revoked} (the holder is no longer an active member: removed or left), else {@code valid} with
     * the holder's current name and role ({@code cardRole}: the role the card was signed with).
     */
    public Verification verify(UUID communityId, UUID callerId, String qr) {
        jdbi.useExtension(MembershipDao.class, dao -> Memberships.requireManager(dao.find(communityId, callerId)));
        MembershipCard.Signed card = MembershipCard.parse(qr);
        if (card == null || !card.communityId().equals(communityId)
                || !keys.verifies(communityId, card.signedBytes(), card.signature())) {
            return Verification.invalid();
        }
        if (!clock.instant().isBefore(card.expiresAt())) {
            return new Verification(Verification.EXPIRED, communityId, card.accountId(), null, null, card.role(),
                    card.expiresAt());
        }
        Optional<Membership> membership = jdbi.withExtension(MembershipDao.class, dao -> dao.find(communityId, card.accountId()))
                .filter(Membership::isActive);
        if (membership.isEmpty()) {
            return new Verification(Verification.REVOKED, communityId, card.accountId(), null, null, card.role(),
                    card.expiresAt());
        }
        String name = jdbi.withExtension(AccountDao.class, dao -> dao.find(card.accountId())).map(Account::name).orElse(null);
        return new Verification(Verification.VALID, communityId, card.accountId(), name, membership.get().role(),
                card.role(), card.expiresAt());
    }

    /** The revocation list for offline verifiers; the community's owners and admins (404/403 to others). */
    public Revocations revocations(UUID communityId, UUID callerId) {
        jdbi.useExtension(MembershipDao.class, dao -> Memberships.requireManager(dao.find(communityId, callerId)));
        byte[] publicKey = keys.publicKey(communityId);
        List<CardRevocationDao.Revoked> revoked = jdbi.withExtension(CardRevocationDao.class, dao -> dao.listed(communityId));
        return new Revocations(communityId, "Ed25519", "X.509", Base64.getEncoder().encodeToString(publicKey), revoked,
                clock.instant());
    }

    /** Revokes the account's cards in the community, in the caller's transaction (the membership ends). */
    static void revoke(Handle handle, UUID communityId, UUID accountId) {
        CardRevocationDao revocations = handle.attach(CardRevocationDao.class);
        revocations.forgetExpired(communityId);
        revocations.revoke(communityId, accountId, TTL.toSeconds());
    }

    /**
     * The community's public key (X.509 DER), seen like the community's page: by anyone for a public
     * community, by its members for a private one, else 404.
     */
    public byte[] publicKey(UUID communityId, UUID viewerId) {
        boolean visible = jdbi.withHandle(handle -> {
            Community community = handle.attach(CommunityDao.class).find(communityId).orElseThrow(Communities::notFound);
            return community.isPublic() || (viewerId != null
                    && handle.attach(MembershipDao.class).find(communityId, viewerId).isPresent());
        });
        if (!visible) {
            throw Communities.notFound();
        }
        return keys.publicKey(communityId);
    }
}
