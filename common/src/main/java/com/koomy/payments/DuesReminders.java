package com.koomy.payments;

import com.koomy.email.EmailMessage;
import com.koomy.email.EmailOutbox;
import com.koomy.email.EmailTemplate;
import com.koomy.email.InvalidEmailException;
import com.koomy.email.Recipient;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Dues reminders: every active member whose dues run out within {@code daysBefore} days, in a community
 * that takes payments, gets one email per period. "Once per period" is the email's idempotency key,
 * {@code dues-reminder:<community>:<member>:<paid-until>}: the next run, or a second worker running the
 * job at the same time, finds it queued already; a payment moves the paid-until date, which opens the
 * next period's reminder. Members are read in pages of {@value #PAGE}, each page queued in one transaction.
 */
public class DuesReminders {

    private static final Logger LOG = LoggerFactory.getLogger(DuesReminders.class);
    static final int PAGE = 500;

    private final Jdbi jdbi;
    private final int daysBefore;
    private final String publicUrl;
    private final Clock clock;

    public DuesReminders(Jdbi jdbi, int daysBefore, String publicUrl, Clock clock) {
        this.jdbi = jdbi;
        this.daysBefore = daysBefore;
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    private record Due(UUID communityId, UUID accountId, LocalDate paidUntil, String email, String name, String locale,
                       String communityName, long amount, String currency) {
    }

    /** Queues the reminders due today; returns how many were new (already queued ones are not counted). */
    public int run() {
        LocalDate today = LocalDate.now(clock);
        UUID afterCommunity = new UUID(0, 0);
        UUID afterAccount = new UUID(0, 0);
        int queued = 0;
        while (true) {
            UUID c = afterCommunity;
            UUID a = afterAccount;
            List<Due> page = jdbi.withHandle(h -> h.createQuery("""
                            SELECT m.community_id, m.account_id, m.dues_paid_until, a.email, a.name, a.locale,
                                   c.name AS community_name, t.amount, t.currency
                              FROM memberships m
                              JOIN accounts a ON a.id = m.account_id
                              JOIN communities c ON c.id = m.community_id
                              JOIN stripe_connect_accounts s ON s.community_id = m.community_id AND s.charges_enabled
                              JOIN LATERAL (SELECT amount, currency FROM dues_tiers t
                                             WHERE t.community_id = m.community_id AND t.active
                                             ORDER BY t.created_at, t.id LIMIT 1) t ON true
                             WHERE m.status = 'active' AND m.dues_paid_until BETWEEN :today AND :until
                               AND (m.community_id, m.account_id) > (:afterCommunity, :afterAccount)
                             ORDER BY m.community_id, m.account_id
                             LIMIT :limit
                            """)
                    .bind("today", today).bind("until", today.plusDays(daysBefore))
                    .bind("afterCommunity", c).bind("afterAccount", a).bind("limit", PAGE)
                    .map((rs, ctx) -> new Due(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                            rs.getObject(3, LocalDate.class), rs.getString(4), rs.getString(5), rs.getString(6),
                            rs.getString(7), rs.getLong(8), rs.getString(9)))
                    .list());
            if (page.isEmpty()) {
                break;
            }
            queued += jdbi.inTransaction(h -> {
                int n = 0;
                for (Due due : page) {
                    String key = "dues-reminder:" + due.communityId() + ":" + due.accountId() + ":" + due.paidUntil();
                    boolean existed = h.createQuery("SELECT count(*) FROM emails WHERE idempotency_key = :k")
                            .bind("k", key).mapTo(Long.class).one() > 0;
                    try {
                        EmailOutbox.enqueue(h, EmailMessage.to(new Recipient(due.email(), due.name()), EmailTemplate.DUES_REMINDER,
                                due.locale(), Map.of("recipientName", due.name(), "communityName", due.communityName(),
                                        "amount", Payment.format(due.amount(), due.currency()),
                                        "currency", due.currency().toUpperCase(), "dueDate", due.paidUntil().toString(),
                                        "payUrl", publicUrl + "/communities/" + due.communityId() + "/dues"),
                                due.communityId(), key));
                    } catch (InvalidEmailException e) {
                        LOG.warn("No dues reminder for account {}: {}", due.accountId(), e.getMessage());
                        continue;
                    }
                    n += existed ? 0 : 1;
                }
                return n;
            });
            Due last = page.get(page.size() - 1);
            afterCommunity = last.communityId();
            afterAccount = last.accountId();
        }
        LOG.info("Dues reminders: {} queued for dues ending by {}", queued, today.plusDays(daysBefore));
        return queued;
    }
}
