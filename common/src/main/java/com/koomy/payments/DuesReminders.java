package com.koomy.payments;

import com.koomy.email.EmailAddresses;
import com.koomy.email.EmailMessage;
import com.koomy.email.EmailOutbox;
import com.koomy.email.EmailTemplate;
import com.koomy.email.Recipient;
import com.koomy.payments.DuesReminderDao.Due;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Dues reminders: every active member whose dues run out within {@code daysBefore} days, in a community
 * that takes payments, gets one reminder per period. They go out the way newsletters do: one batch email
 * (one provider request) for up to {@value EmailMessage#MAX_RECIPIENTS} members of a community with the
 * same due date and language, each member's name substituted in their copy, rather than one request per
 * member (5 requests/s at SendGrid made 10,000 reminders a half-hour backlog). "Once per period" is a row
 * of {@code dues_reminders} (community, member, paid-until date), claimed in the transaction that queues
 * the batch: the next run, or a second worker running the job at the same time, finds it claimed; a
 * payment moves the paid-until date, which opens the next period's reminder. Members are read in pages of
 * {@value #PAGE}, each page queued in one transaction.
 */
public class DuesReminders {

    private static final Logger LOG = LoggerFactory.getLogger(DuesReminders.class);
    static final int PAGE = EmailMessage.MAX_RECIPIENTS;

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

    /** Queues the reminders due today; returns how many were new (already queued ones are not counted). */
    public int run() {
        LocalDate today = LocalDate.now(clock);
        UUID afterCommunity = new UUID(0, 0);
        UUID afterAccount = new UUID(0, 0);
        int queued = 0;
        while (true) {
            UUID c = afterCommunity;
            UUID a = afterAccount;
            List<Due> page = jdbi.withHandle(h -> h.attach(DuesReminderDao.class)
                    .due(today, today.plusDays(daysBefore), c, a, PAGE));
            if (page.isEmpty()) {
                break;
            }
            queued += jdbi.inTransaction(h -> queue(h, page));
            Due last = page.get(page.size() - 1);
            afterCommunity = last.communityId();
            afterAccount = last.accountId();
        }
        LOG.info("Dues reminders: {} queued for dues ending by {}", queued, today.plusDays(daysBefore));
        return queued;
    }

    private record Batch(UUID communityId, String locale, LocalDate paidUntil) {
    }

    /** Claims the page's reminders not sent yet and queues them in batches; returns how many it claimed. */
    private int queue(Handle h, List<Due> page) {
        Map<Batch, List<Due>> batches = new LinkedHashMap<>();
        for (Due due : page) {
            String locale = due.locale() == null ? "fr" : due.locale().toLowerCase(Locale.ROOT);
            if (!EmailMessage.LOCALES.contains(locale) || !EmailAddresses.isValid(due.email())) {
                LOG.warn("No dues reminder for account {}: locale {} or its address is not valid", due.accountId(), due.locale());
                continue;
            }
            batches.computeIfAbsent(new Batch(due.communityId(), locale, due.paidUntil()), b -> new ArrayList<>()).add(due);
        }
        int claimedTotal = 0;
        for (Map.Entry<Batch, List<Due>> entry : batches.entrySet()) {
            Batch batch = entry.getKey();
            List<Due> dues = entry.getValue();
            Set<UUID> claimed = new HashSet<>(h.attach(DuesReminderDao.class).claim(batch.communityId(), batch.paidUntil(),
                    dues.stream().map(d -> d.accountId().toString()).toArray(String[]::new)));
            List<Due> fresh = dues.stream().filter(d -> claimed.contains(d.accountId())).toList();
            if (fresh.isEmpty()) {
                continue;
            }
            Due first = fresh.get(0);
            EmailOutbox.enqueue(h, new EmailMessage(EmailTemplate.DUES_REMINDER, batch.locale(),
                    fresh.stream().map(d -> new Recipient(d.email(), d.name())).toList(),
                    Map.of("communityName", first.communityName(), "amount", Payment.format(first.amount(), first.currency()),
                            "currency", first.currency().toUpperCase(Locale.ROOT), "dueDate", batch.paidUntil().toString(),
                            "payUrl", publicUrl + "/communities/" + batch.communityId() + "/dues"),
                    batch.communityId(),
                    // The members are claimed in this transaction: the first one names the batch for good.
                    "dues-reminders:" + batch.communityId() + ":" + batch.paidUntil() + ":" + first.accountId()));
            claimedTotal += fresh.size();
        }
        return claimedTotal;
    }
}
