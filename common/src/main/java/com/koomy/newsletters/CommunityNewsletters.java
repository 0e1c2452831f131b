package com.koomy.newsletters;

import com.koomy.billing.PlanLimits;
import com.koomy.email.EmailMessage;
import com.koomy.email.EmailOutbox;
import com.koomy.email.EmailRenderer;
import com.koomy.email.EmailTemplate;
import com.koomy.email.NewsletterSegment;
import com.koomy.email.Newsletters;
import com.koomy.email.Recipient;
import com.koomy.email.RenderedEmail;
import com.koomy.errors.ApiException;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipDao;
import com.koomy.memberships.Memberships;
import com.koomy.news.NewsPost;
import com.koomy.news.NewsPostDao;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

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
            h.createUpdate("""
                            INSERT INTO newsletters (id, community_id, community_name, idempotency_key, locale, subject, body,
                                                     status, created_by, segment, event_id, news_post_id)
                            VALUES (:id, :communityId, (SELECT name FROM communities WHERE id = :communityId),
                                    'newsletter:' || :id, coalesce(:locale, (SELECT locale FROM communities WHERE id = :communityId)),
                                    :subject, :body, 'draft', :callerId, :segment, CAST(:eventId AS uuid), CAST(:newsPostId AS uuid))
                            """)
                    .bind("id", id).bind("communityId", communityId).bind("locale", locale(draft.locale()))
                    .bind("subject", subject.strip()).bind("body", body).bind("callerId", callerId)
                    .bind("segment", segment).bind("eventId", draft.eventId()).bind("newsPostId", draft.newsPostId())
                    .execute();
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
            h.createUpdate("""
                            UPDATE newsletters SET subject = coalesce(:subject, subject), body = coalesce(:body, body),
                                   locale = coalesce(:locale, locale), segment = :segment, event_id = CAST(:eventId AS uuid),
                                   updated_at = now()
                             WHERE id = :id
                            """)
                    .bind("subject", change.subject() == null ? null : change.subject().strip()).bind("body", change.body())
                    .bind("locale", locale(change.locale())).bind("segment", segment).bind("eventId", eventId)
                    .bind("id", id).execute();
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
            return h.createQuery(SELECT + """
                             WHERE n.community_id = :communityId
                               AND (CAST(:beforeAt AS timestamptz) IS NULL
                                    OR (n.created_at, n.id) < (CAST(:beforeAt AS timestamptz), CAST(:beforeId AS uuid)))
                             ORDER BY n.created_at DESC, n.id DESC
                             LIMIT :limit
                            """)
                    .bind("communityId", communityId)
                    .bind("beforeAt", beforeCreatedAt == null ? null : Timestamp.from(beforeCreatedAt))
                    .bind("beforeId", beforeId)
                    .bind("limit", limit)
                    .map(MAPPER).list();
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
            var caller = h.createQuery("SELECT email, name FROM accounts WHERE id = :id").bind("id", callerId)
                    .map((rs, ctx) -> new Recipient(rs.getString("email"), rs.getString("name"))).one();
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
            h.createUpdate("""
                            UPDATE newsletters SET status = :status, send_at = CAST(:sendAt AS timestamptz), queued_at = now(), snapshot_done = false,
                                   community_name = (SELECT name FROM communities WHERE id = :communityId), updated_at = now()
                             WHERE id = :id
                            """)
                    .bind("status", at == null ? "queued" : "scheduled").bind("sendAt", at == null ? null : Timestamp.from(at))
                    .bind("communityId", communityId).bind("id", id).execute();
            h.createUpdate("INSERT INTO outbox (kind, ref) VALUES (:kind, :ref)")
                    .bind("kind", Newsletters.OUTBOX_KIND).bind("ref", Newsletters.outboxRef(id, at)).execute();
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
            h.createUpdate("UPDATE newsletters SET status = 'cancelled', cancelled_at = now(), updated_at = now() WHERE id = :id")
                    .bind("id", id).execute();
            return find(h, communityId, id);
        });
    }

    private RenderedEmail render(Handle h, NewsletterView n) {
        return renderer.render(EmailTemplate.NEWSLETTER, n.locale(),
                Newsletters.variables(communityName(h, n.communityId()), n.subject(), n.body()));
    }

    /** The segment's members the snapshot would keep now: not unsubscribed from the community, not suppressed. */
    private static long audience(Handle h, NewsletterView n) {
        return h.createQuery("""
                        SELECT count(*) FROM memberships m JOIN accounts a ON a.id = m.account_id
                         WHERE m.community_id = :communityId AND %s
                           AND NOT EXISTS (SELECT 1 FROM email_suppressions s WHERE s.email = a.email)
                           AND NOT EXISTS (SELECT 1 FROM newsletter_unsubscribes u
                                            WHERE u.community_id = m.community_id AND u.email = a.email)
                        """.formatted(NewsletterSegment.PREDICATE))
                .bind("communityId", n.communityId()).bind("segment", n.segment()).bind("eventId", n.eventId())
                .mapTo(Long.class).one();
    }

    private static String communityName(Handle h, UUID communityId) {
        return h.createQuery("SELECT name FROM communities WHERE id = :id").bind("id", communityId).mapTo(String.class).one();
    }

    private static void requireEvent(Handle h, UUID communityId, String segment, UUID eventId) {
        if (eventId != null && !h.createQuery("SELECT EXISTS (SELECT 1 FROM events WHERE id = :id AND community_id = :c)")
                .bind("id", eventId).bind("c", communityId).mapTo(Boolean.class).one()) {
            throw invalid("eventId", "eventId is not an event of this community");
        }
        if ("event".equals(segment) && eventId == null) {
            throw invalid("eventId", "the event segment needs an eventId");
        }
    }

    private static String segment(String name) {
        return NewsletterSegment.byName(name).map(Enum::name).orElseThrow(() -> invalid("segment",
                "segment must be one of all, dues_paid, dues_overdue, event, admins"));
    }

    private static String locale(String locale) {
        if (locale == null) {
            return null;
        }
        String l = locale.toLowerCase(Locale.ROOT);
        if (!EmailMessage.LOCALES.contains(l)) {
            throw invalid("locale", "locale must be fr or en");
        }
        return l;
    }

    private static void requireText(String field, String value, int max) {
        if (value == null || value.isBlank() || value.length() > max) {
            throw invalid(field, field + " must be 1 to " + max + " characters, not blank");
        }
    }

    static ApiException invalid(String field, String message) {
        String why = message.startsWith(field + " ") ? message.substring(field.length() + 1) : message;
        return ApiException.invalidField("invalid_" + field, field, why);
    }

    private static Optional<Membership> membership(Handle h, UUID communityId, UUID callerId) {
        return h.attach(MembershipDao.class).find(communityId, callerId);
    }

    private static NewsletterView lock(Handle h, UUID communityId, UUID id) {
        h.createQuery("SELECT id FROM newsletters WHERE id = :id AND community_id = :c FOR UPDATE")
                .bind("id", id).bind("c", communityId).mapTo(UUID.class).findOne()
                .orElseThrow(CommunityNewsletters::notFound);
        return find(h, communityId, id);
    }

    private static NewsletterView find(Handle h, UUID communityId, UUID id) {
        return h.createQuery(SELECT + " WHERE n.community_id = :communityId AND n.id = :id")
                .bind("communityId", communityId).bind("id", id)
                .map(MAPPER).findOne().orElseThrow(CommunityNewsletters::notFound);
    }

    static ApiException notFound() {
        return new ApiException(404, "newsletter_not_found", "no such newsletter in this community");
    }

    private static final String SELECT = """
            SELECT n.*,
                   (SELECT count(*) FROM emails e WHERE e.newsletter_id = n.id
                       AND e.status IN ('sent', 'failed', 'suppressed')) AS batches_done,
                   (SELECT coalesce(sum(jsonb_array_length(e.suppressed)), 0) FROM emails e
                     WHERE e.newsletter_id = n.id AND jsonb_typeof(e.suppressed) = 'array') AS suppressed_at_send,
                   (SELECT count(*) FILTER (WHERE g.event IN ('bounce', 'dropped')) FROM sendgrid_events g
                     WHERE g.koomy_key LIKE 'newsletter:' || n.id || ':%')
                   -- events older than the retention period live on as counters (V29)
                   + (SELECT coalesce(sum(c.events), 0) FROM sendgrid_event_counts c
                       WHERE c.koomy_key LIKE 'newsletter:' || n.id || ':%' AND c.event IN ('bounce', 'dropped')) AS bounced,
                   (SELECT count(*) FROM newsletter_unsubscribes u WHERE u.newsletter_id = n.id)
                   + (SELECT count(*) FROM sendgrid_events g WHERE g.koomy_key LIKE 'newsletter:' || n.id || ':%'
                       AND g.event IN ('unsubscribe', 'group_unsubscribe'))
                   + (SELECT coalesce(sum(c.events), 0) FROM sendgrid_event_counts c
                       WHERE c.koomy_key LIKE 'newsletter:' || n.id || ':%'
                         AND c.event IN ('unsubscribe', 'group_unsubscribe')) AS unsubscribed
              FROM newsletters n
            """;

    private static final RowMapper<NewsletterView> MAPPER = (rs, ctx) -> new NewsletterView(
            rs.getObject("id", UUID.class), rs.getObject("community_id", UUID.class), rs.getString("status"),
            rs.getString("subject"), rs.getString("body"), rs.getString("locale"), rs.getString("segment"),
            rs.getObject("event_id", UUID.class), rs.getObject("news_post_id", UUID.class),
            rs.getObject("created_by", UUID.class), instant(rs.getTimestamp("send_at")),
            instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")),
            instant(rs.getTimestamp("sent_at")), instant(rs.getTimestamp("cancelled_at")),
            new NewsletterView.Stats(rs.getInt("batches_done"), rs.getInt("batches_total"), rs.getInt("recipients_total"),
                    rs.getLong("recipients_suppressed") + rs.getLong("suppressed_at_send"), rs.getLong("bounced"),
                    rs.getLong("unsubscribed")));

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
