package com.koomy.communities;

import com.koomy.cache.JsonCache;
import com.koomy.db.KeysetCursor;
import com.koomy.db.Page;
import com.koomy.errors.ApiException;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipDao;
import com.koomy.memberships.Memberships;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Creating, showing and changing communities, each checked against the caller's membership. A page's
 * caller-independent part ({@link PublicPart}) is cached per community; every write that changes it,
 * here or in {@link Memberships}, invalidates it after its commit.
 */
public class Communities {

    /** Bump when {@link PublicPart} or {@link Community} changes shape. */
    public static final int CACHE_SCHEMA = 2;

    private final Jdbi jdbi;
    private final JsonCache<PublicPart> cache;
    private final int createdPerAccountPerDay;
    private final java.util.List<java.util.function.Consumer<UUID>> listingListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The one answer for "no such community" and "not yours to see": ids cannot be probed. */
    public static ApiException notFound() {
        return new ApiException(404, "community_not_found", "no such community");
    }

    public Communities(Jdbi jdbi, JsonCache<PublicPart> cache) {
        this(jdbi, cache, Integer.MAX_VALUE);
    }

    /** {@code createdPerAccountPerDay}: communities one account may create in any 24 hours. */
    public Communities(Jdbi jdbi, JsonCache<PublicPart> cache, int createdPerAccountPerDay) {
        this.jdbi = jdbi;
        this.cache = cache;
        this.createdPerAccountPerDay = createdPerAccountPerDay;
    }

    /** What any viewer allowed to see the community sees: its settings and active member count. */
    public record PublicPart(Community community, long activeMembers) {
    }

    /** Settings of a new community; null visibility, join policy or locale take the defaults. */
    public record NewCommunity(String name, String description, String visibility, String joinPolicy, String locale,
                               String city) {
    }

    /** Null fields are left unchanged; an empty (or blank) city clears it. */
    public record CommunityChanges(String name, String description, String visibility, String joinPolicy,
                                   String locale, String city) {
    }

    /** A community's page: the community, its active member count, and the viewer's membership if any. */
    public record CommunityPage(Community community, long activeMembers, Membership viewer) {
    }

    /**
     * Creates the community with its creator as its active owner, in one transaction. 429
     * community_limit_reached when the creator already created {@code createdPerAccountPerDay} in the last
     * 24 hours (each costs the platform: a page, a key pair, an AI budget of its own).
     */
    public Community create(UUID creatorId, NewCommunity request) {
        UUID id = UUID.randomUUID();
        Community created = jdbi.inTransaction(handle -> {
            requireUnderDailyLimit(handle, creatorId);
            CommunityDao communities = handle.attach(CommunityDao.class);
            boolean inserted = false;
            // The random suffix makes a clash unlikely; a few tries make it practically impossible.
            for (int attempt = 0; attempt < 5 && !inserted; attempt++) {
                inserted = communities.insert(new CommunityDao.NewCommunity(id, request.name().strip(),
                        slugOf(request.name()), request.description() == null ? "" : request.description(),
                        orDefault(request.visibility(), Community.PUBLIC), orDefault(request.joinPolicy(), Community.OPEN),
                        orDefault(request.locale(), "fr"), request.city() == null || request.city().isBlank()
                                ? null : request.city().strip()));
            }
            if (!inserted) {
                throw new ApiException(409, "slug_taken", "could not find a free slug for this name; retry");
            }
            handle.attach(MembershipDao.class).insert(id, creatorId, Membership.OWNER, Membership.ACTIVE);
            return communities.find(id).orElseThrow();
        });
        listingChanged(id); // discovery lists it from now on
        return created;
    }

    private void requireUnderDailyLimit(Handle handle, UUID creatorId) {
        if (createdPerAccountPerDay == Integer.MAX_VALUE) {
            return;
        }
        // One creation at a time per account, so two concurrent requests cannot both pass the count.
        CommunityDao communities = handle.attach(CommunityDao.class);
        communities.lockCreations(creatorId);
        // The creator's membership was inserted in the creating transaction: same now() as the community's.
        long created = communities.createdLastDay(creatorId);
        if (created >= createdPerAccountPerDay) {
            throw new ApiException(429, "community_limit_reached", "an account can create at most "
                    + createdPerAccountPerDay + " communities in 24 hours; try again later");
        }
    }

    /**
     * Anyone sees a public community; a private one only its members (pending and expired included).
     * {@code viewerId} null: not signed in.
     */
    public CommunityPage page(UUID communityId, UUID viewerId) {
        // Absence is not cached: an unknown id always reaches the database (and answers 404).
        PublicPart part = cache.get(communityId.toString(), () -> jdbi.withHandle(handle -> {
            CommunityDao communities = handle.attach(CommunityDao.class);
            Community community = communities.find(communityId).orElseThrow(Communities::notFound);
            return new PublicPart(community, communities.activeMembers(communityId));
        }));
        // The viewer's membership is never cached: it is read on every signed-in request.
        Membership viewer = viewerId == null ? null
                : jdbi.withExtension(MembershipDao.class, dao -> dao.find(communityId, viewerId)).orElse(null);
        if (!part.community().isPublic() && viewer == null) {
            throw Communities.notFound();
        }
        return new CommunityPage(part.community(), part.activeMembers(), viewer);
    }

    /** Owners and admins change the settings; other members get 403, everyone else 404. */
    public Community update(UUID communityId, UUID callerId, CommunityChanges changes) {
        Community updated = jdbi.inTransaction(handle -> {
            Memberships.requireManager(handle.attach(MembershipDao.class).find(communityId, callerId));
            CommunityDao communities = handle.attach(CommunityDao.class);
            if (communities.find(communityId).map(Community::isArchived).orElse(false)) {
                throw CommunityLife.archived();
            }
            communities.update(communityId, new CommunityChanges(changes.name() == null ? null : changes.name().strip(),
                    changes.description(), changes.visibility(), changes.joinPolicy(), changes.locale(),
                    changes.city() == null ? null : changes.city().strip()));
            return communities.find(communityId).orElseThrow(Communities::notFound);
        });
        listingChanged(communityId);
        return updated;
    }

    /** {@code listener} hears the id of every community whose page this process changes, after the commit. */
    public void onChange(java.util.function.Consumer<UUID> listener) {
        cache.onInvalidate(id -> listener.accept(UUID.fromString(id)));
    }

    /**
     * {@code listener} hears, after the commit, the id of every community whose listing changes: created, its
     * settings changed (name, city, visibility...), archived, unarchived. Not a member count: discovery, which
     * listens, shows that within its TTL rather than reload every search on every join.
     */
    public void onListingChange(java.util.function.Consumer<UUID> listener) {
        listingListeners.add(listener);
    }

    /** After a committed write that changes what {@link #page} shows and how discovery lists the community. */
    public void listingChanged(UUID communityId) {
        changed(communityId);
        listingListeners.forEach(listener -> listener.accept(communityId));
    }

    /** After a committed write that changes what {@link #page} shows (settings, the active member count). */
    public void changed(UUID communityId) {
        cache.invalidate(communityId.toString());
    }

    /** The caller's communities, whatever the membership's status, by name. */
    public Page<MyCommunity> ofAccount(UUID accountId, int limit, KeysetCursor after) {
        return Page.of(jdbi.withExtension(CommunityDao.class, dao -> dao.ofAccount(accountId,
                        after == null ? null : after.text(), after == null ? null : after.id(), limit + 1)),
                limit, c -> new KeysetCursor(c.sortName(), c.id()).encode());
    }

    public Optional<Community> find(UUID id) {
        return jdbi.withExtension(CommunityDao.class, dao -> dao.find(id));
    }

    /** "Club de Tennis d'Évry" becomes "club-de-tennis-d-evry-3fa2c1". */
    static String slugOf(String name) {
        String ascii = Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}", "")
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (ascii.length() > 60) {
            ascii = ascii.substring(0, 60).replaceAll("-+$", "");
        }
        String suffix = String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
        return ascii.isEmpty() ? suffix : ascii + "-" + suffix;
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }
}
