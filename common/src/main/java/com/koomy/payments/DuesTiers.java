package com.koomy.payments;

import com.koomy.communities.Communities;
import com.koomy.errors.ApiException;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipDao;
import com.koomy.memberships.Memberships;
import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** A community's dues tiers: owners and admins define them, every active member reads them. */
public class DuesTiers {

    private final Jdbi jdbi;

    public DuesTiers(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public record NewTier(String name, long amount, String currency, String period, LocalDate periodStart,
                          LocalDate periodEnd) {
    }

    /**
     * Owners and admins. The caller's role is checked before the values, so a foreign tenant learns
     * nothing (404) whatever it sends.
     */
    public DuesTier create(UUID communityId, UUID callerId, NewTier request) {
        return jdbi.inTransaction(handle -> {
            Memberships.requireManager(handle.attach(MembershipDao.class).find(communityId, callerId));
            if (request.currency() == null || !request.currency().matches("[a-zA-Z]{3}")) {
                throw ApiException.invalidField("invalid_currency", "currency", "must be a currency code such as eur");
            }
            boolean custom = DuesTier.CUSTOM.equals(request.period());
            if (custom && request.periodStart() == null) {
                throw ApiException.invalidField("invalid_period", "periodStart", "is required for a custom period");
            }
            if (custom && (request.periodEnd() == null || !request.periodEnd().isAfter(request.periodStart()))) {
                throw ApiException.invalidField("invalid_period", "periodEnd", "must be after periodStart for a custom period");
            }
            DuesTier tier = new DuesTier(UUID.randomUUID(), communityId, request.name().strip(), request.amount(),
                    request.currency().toLowerCase(Locale.ROOT), request.period(), custom ? request.periodStart() : null,
                    custom ? request.periodEnd() : null, true, Instant.now());
            DuesTierDao dao = handle.attach(DuesTierDao.class);
            dao.insert(tier);
            return dao.find(communityId, tier.id()).orElseThrow();
        });
    }

    public List<DuesTier> list(UUID communityId, UUID callerId) {
        return jdbi.withHandle(handle -> {
            handle.attach(MembershipDao.class).find(communityId, callerId).filter(Membership::isActive)
                    .orElseThrow(Communities::notFound);
            return handle.attach(DuesTierDao.class).active(communityId);
        });
    }

    /** Retires a tier: no new checkout uses it; payments made with it keep pointing at it. */
    public void retire(UUID communityId, UUID callerId, UUID tierId) {
        jdbi.useTransaction(handle -> {
            Memberships.requireManager(handle.attach(MembershipDao.class).find(communityId, callerId));
            if (handle.attach(DuesTierDao.class).deactivate(communityId, tierId) == 0) {
                throw new ApiException(404, "tier_not_found", "no such active dues tier");
            }
        });
    }
}
