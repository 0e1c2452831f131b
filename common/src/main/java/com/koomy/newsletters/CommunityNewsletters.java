package com.koomy.newsletters;

import com.koomy.accounts.AccountDao;
import com.koomy.billing.PlanLimits;
import com.koomy.email.EmailMessage;
import com.koomy.email.EmailOutbox;
import com.koomy.email.EmailRenderer;
import com.koomy.email.EmailTemplate;
import com.koomy.newsletters.Newsletters;
import com.koomy.email.Recipient;
import com.koomy.email.RenderedEmail;
import com.koomy.errors.ApiException;
import com.koomy.jobs.OutboxDao;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipDao;
import com.koomy.memberships.Memberships;
import com.koomy.news.NewsPost;
import com.koomy.news.NewsPostDao;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static com.koomy.newsletters.NewsletterInput.invalid;
import static com.koomy.newsletters.NewsletterInput.locale;
import static com.koomy.newsletters.NewsletterInput.requireEvent;
import static com.koomy.newsletters.NewsletterInput.requireText;
import static com.koomy.newsletters.NewsletterInput.segment;
import static com.koomy.newsletters.NewsletterRows.audience;
import static com.koomy.newsletters.NewsletterRows.communityName;
import static com.koomy.newsletters.NewsletterRows.find;
import static com.koomy.newsletters.NewsletterRows.lock;

/**
 * A community's newsletters (issue 20): its owners and admins write drafts, preview them, send a test to
 * themselves, send them now or at a time to a segment, and cancel them before they start. Every
 * operation checks the caller's role on the membership row in the transaction that acts
 * ({@link Memberships#requireManager}); a newsletter of another community is 404 whatever its id. The
 * send itself is the worker's ({@link com.koomy.email.FanOutNewsletterJob}): this class only moves the
 * draft to {@code queued} or {@code scheduled} with an outbox row, in one transaction.
 */
public class CommunityNewsletters {

    public static final int MAX_SUBJECT = 200;
    public static final int MAX_BODY = 100_000;

    private final Jdbi jdbi;
    private final PlanLimits limits;
    private final EmailRenderer renderer;
    private final boolean unsubscribeConfigured;
    private final Clock clock;

    /** {@code unsubscribeConfigured}: whether KOOMY_UNSUBSCRIBE_SECRET is set (no send without it). */
    public CommunityNewsletters(Jdbi jdbi, PlanLimits limits, EmailRenderer renderer, boolean unsubscribeConfigured,
                                Clock clock) {
        this.jdbi = jdbi;
        this.limits = limits;
        this.renderer = renderer;
        this.unsubscribeConfigured = unsubscribeConfigured;
        this.clock = clock;
    }

    public NewsletterView create(UUID communityId, UUID callerId, NewsletterDraft draft) {
        return jdbi.inTransaction(h -> {
            Memberships.requireManager(membership(h, communityId, callerId));
            String subject = draft.subject();
            String body = draft.body();
            if (draft.newsPostId() != null) {
                NewsPost post = h.attach(NewsPostDao.class).find(communityId, draft.newsPostId())
                        .filter(NewsPost::isPublished)
                        .orElseThrow(() -> invalid("newsPostId", "newsPostId is not a published news post of this community"));
                subject = subject == null ? post.title() : subject;
                body = body == null ? post.body() : body;
            }
            requireText("subject", subject, MAX_SUBJECT);
            requireText("body", body, MAX_BODY);
            String segment = segment(draft.segment() == null ? "all" : draft.segment());
            requireEvent(h, communityId, segment, draft.eventId());
            UUID id = UUID.randomUUID();
            h.attach(NewsletterDao.class).insertDraft(new NewsletterDao.NewDraft(id, communityId, locale(draft.locale()),
                    subject.strip(), body, callerId, segment, draft.eventId(), draft.newsPostId()));
            return find(h, communityId, id);
        });
    }

    /** Changes a draft (null fields unchanged); a newsletter already sent or scheduled is 409. */
    public NewsletterView update(UUID communityId, UUID callerId, UUID id, NewsletterDraft change) {
        return jdbi.inTransaction(h -> {
            Memberships.requireManager(membership(h, communityId, callerId));
            NewsletterView current = lock(h, communityId, id);
            if (!"draft".equals(current.status())) {
                throw new ApiException(409, "newsletter_not_draft",
                        "only a draft can be changed; this newsletter is " + current.status());
            }
            if (change.subject() != null) {
                requireText("subject", change.subject(), MAX_SUBJECT);
            }
            if (change.body() != null) {
                requireText("body", change.body(), MAX_BODY);
            }
            String segment = change.segment() == null ? current.segment() : segment(change.segment());
            UUID eventId = change.eventId() != null ? change.eventId() : "event".equals(segment) ? current.eventId() : null;
            requireEvent(h, communityId, segment, eventId);
            h.attach(NewsletterDao.class).updateDraft(new NewsletterDao.DraftChange(id,
                    change.subject() == null ? null : change.subject().strip(), change.body(), locale(change.locale()),
                    segment, eventId));
            return find(h, communityId, id);
        });
    }

    public NewsletterView get(UUID communityId, UUID callerId, UUID id) {
        return jdbi.withHandle(h -> {
            Memberships.requireManager(membership(h, communityId, callerId));
            return find(h, communityId, id);
        });
    }

    /** Newest first, at most {@code limit}; before {@code beforeCreatedAt}/{@code beforeId} when given. */
    public List<NewsletterView> list(UUID communityId, UUID callerId, int limit, Instant beforeCreatedAt, UUID beforeId) {
        return jdbi.withHandle(h -> {
            Memberships.requireManager(membership(h, communityId, callerId));
            return NewsletterRows.page(h, communityId, limit, beforeCreatedAt, beforeId);
        });
    }

    /** Rendered by the same renderer and template as the batches; the audience counted as the snapshot would. */
    public NewsletterPreview preview(UUID communityId, UUID callerId, UUID id) {
        return jdbi.withHandle(h -> {
            Memberships.requireManager(membership(h, communityId, callerId));
            NewsletterView n = find(h, communityId, id);
            RenderedEmail rendered = render(h, n);
            return new NewsletterPreview(rendered.subject(), rendered.html(), rendered.text(), audience(h, n));
        });
    }

    /** Queues the newsletter, rendered as the members will get it, to the caller alone; returns the email's id. */
    public UUID sendTest(UUID communityId, UUID callerId, UUID id) {
        return jdbi.inTransaction(h -> {
            Memberships.requireManager(membership(h, communityId, callerId));
            NewsletterView n = find(h, communityId, id);
            Recipient caller = h.attach(AccountDao.class).recipient(callerId);
            return EmailOutbox.enqueue(h, EmailMessage.to(caller, EmailTemplate.NEWSLETTER, n.locale(),
                    Newsletters.variables(communityName(h, communityId), "[TEST] " + n.subject(), n.body()), communityId,
                    "newsletter-test:" + id + ":" + UUID.randomUUID()));
        });
    }

    /**
     * Sends the draft now ({@code at} null) or at {@code at}: checks the plan (newsletters this month,
     * audience size) and moves it to {@code queued} or {@code scheduled} with its outbox row. The
     * audience is resolved by the worker when it starts, not here.
     */
    public NewsletterView send(UUID communityId, UUID callerId, UUID id, Instant at) {
        return jdbi.inTransaction(h -> {
            // The caller's role first: nobody else learns how the platform is configured.
            Memberships.requireManager(membership(h, communityId, callerId));
            NewsletterView n = lock(h, communityId, id); // and another community's newsletter is 404 before anything
            Instant now = clock.instant();
            if (at != null && !at.isAfter(now)) {
                throw invalid("at", "at must be in the future (or absent to send now)");
            }
            if (at != null && at.isAfter(now.plus(java.time.Duration.ofDays(366)))) {
                throw invalid("at", "at must be within a year");
            }
            if (!unsubscribeConfigured) {
                throw new ApiException(503, "unsubscribe_not_configured",
                        "newsletters cannot be sent until KOOMY_UNSUBSCRIBE_SECRET is set (their unsubscribe links are signed with it)");
            }
            if (!"draft".equals(n.status())) {
                throw new ApiException(409, "newsletter_not_draft",
                        "only a draft can be sent; this newsletter is " + n.status());
            }
            requireEvent(h, communityId, n.segment(), n.eventId());
            limits.requireRoom(h, communityId, PlanLimits.Limit.NEWSLETTERS_PER_MONTH);
            limits.requireAudience(h, communityId, audience(h, n));
            h.attach(NewsletterDao.class).queue(communityId, id, at == null ? "queued" : "scheduled",
                    at == null ? null : Timestamp.from(at));
            h.attach(OutboxDao.class).add(Newsletters.OUTBOX_KIND, Newsletters.outboxRef(id, at));
            return find(h, communityId, id);
        });
    }

    /** Cancels a scheduled or queued newsletter whose sending has not started; 409 once it has. */
    public NewsletterView cancel(UUID communityId, UUID callerId, UUID id) {
        return jdbi.inTransaction(h -> {
            Memberships.requireManager(membership(h, communityId, callerId));
            NewsletterView n = lock(h, communityId, id);
            if ("cancelled".equals(n.status())) {
                return n;
            }
            if (!"scheduled".equals(n.status()) && !"queued".equals(n.status())) {
                throw new ApiException(409, "newsletter_already_started", "this newsletter is " + n.status()
                        + ": only a scheduled or queued newsletter can be cancelled, before its first batch goes out");
            }
            h.attach(NewsletterDao.class).cancel(id);
            return find(h, communityId, id);
        });
    }

    private RenderedEmail render(Handle h, NewsletterView n) {
        return renderer.render(EmailTemplate.NEWSLETTER, n.locale(),
                Newsletters.variables(communityName(h, n.communityId()), n.subject(), n.body()));
    }

    private static Optional<Membership> membership(Handle h, UUID communityId, UUID callerId) {
        return h.attach(MembershipDao.class).find(communityId, callerId);
    }
}
