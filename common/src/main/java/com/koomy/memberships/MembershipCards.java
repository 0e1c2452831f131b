package com.koomy.memberships;

import com.koomy.accounts.Account;
import com.koomy.accounts.AccountDao;
import com.koomy.communities.CommunityException;
import com.koomy.communities.CommunityKeys;
import com.koomy.communities.Community;
import com.koomy.communities.CommunityDao;
import org.jdbi.v3.core.Jdbi;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
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
                .filter(Membership::isActive).orElseThrow(CommunityException::notFound);
        Account account = jdbi.withExtension(AccountDao.class, dao -> dao.find(accountId))
                .orElseThrow(CommunityException::notFound);
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

    /**
     * The community's public key (X.509 DER), seen like the community's page: by anyone for a public
     * community, by its members for a private one, else 404.
     */
    public byte[] publicKey(UUID communityId, UUID viewerId) {
        boolean visible = jdbi.withHandle(handle -> {
            Community community = handle.attach(CommunityDao.class).find(communityId).orElseThrow(CommunityException::notFound);
            return community.isPublic() || (viewerId != null
                    && handle.attach(MembershipDao.class).find(communityId, viewerId).isPresent());
        });
        if (!visible) {
            throw CommunityException.notFound();
        }
        return keys.publicKey(communityId);
    }
}
