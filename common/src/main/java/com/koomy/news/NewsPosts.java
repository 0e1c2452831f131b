package com.koomy.news;

import com.koomy.communities.Communities;
import com.koomy.db.KeysetCursor;
import com.koomy.db.Page;
import com.koomy.db.ReadDatabase;
import com.koomy.errors.ApiException;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipDao;
import com.koomy.memberships.Memberships;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A community's news posts. Owners and admins write, publish and unpublish them and see drafts;
 * active members read published posts. Like {@link Memberships}, no active membership answers 404
 * (community_not_found), a member without the role 403, and a post of another community 404
 * (news_not_found), whatever its id. Members only: a public community's news is not public.
 * The feed is read through {@link ReadDatabase} (the read replica when there is one); a single post
 * and the drafts, which their authors read right after writing them, come from the primary.
 */
public class NewsPosts {

    private final Jdbi jdbi;
    private final ReadDatabase reads;

    public NewsPosts(Jdbi jdbi, ReadDatabase reads) {
        this.jdbi = jdbi;
        this.reads = reads;
    }

    /** Creates a draft written by the caller. */
    public NewsPost create(UUID communityId, UUID callerId, String title, String body) {
        return jdbi.inTransaction(handle -> {
            Memberships.requireManager(membership(handle, communityId, callerId));
            NewsPostDao posts = handle.attach(NewsPostDao.class);
            UUID id = UUID.randomUUID();
            posts.insert(id, communityId, callerId, title.strip(), body == null ? "" : body);
            return posts.find(communityId, id).orElseThrow();
        });
    }

    /** Changes the title and/or body (null: unchanged), of a draft or of a published post. */
    public NewsPost update(UUID communityId, UUID callerId, UUID postId, String title, String body) {
        return write(communityId, callerId, postId,
                posts -> posts.update(communityId, postId, title == null ? null : title.strip(), body));
    }

    /** Publishes a draft now; a published post stays as it is. */
    public NewsPost publish(UUID communityId, UUID callerId, UUID postId) {
        return write(communityId, callerId, postId, posts -> posts.publish(communityId, postId));
    }

    /** Takes a post back to draft; a draft stays as it is. */
    public NewsPost unpublish(UUID communityId, UUID callerId, UUID postId) {
        return write(communityId, callerId, postId, posts -> posts.unpublish(communityId, postId));
    }

    public void delete(UUID communityId, UUID callerId, UUID postId) {
        jdbi.useTransaction(handle -> {
            Memberships.requireManager(membership(handle, communityId, callerId));
            if (!handle.attach(NewsPostDao.class).delete(communityId, postId)) {
                throw notFound();
            }
        });
    }

    /** A post: published ones to active members, drafts only to owners and admins (404 to the others). */
    public NewsPost get(UUID communityId, UUID callerId, UUID postId) {
        return jdbi.withHandle(handle -> {
            Membership caller = requireActive(membership(handle, communityId, callerId));
            NewsPost post = handle.attach(NewsPostDao.class).find(communityId, postId).orElseThrow(NewsPosts::notFound);
            if (!post.isPublished() && !caller.canManage()) {
                throw notFound();
            }
            return post;
        });
    }

    /** The feed (active members), or the drafts (owners and admins; 403 for other members). */
    public Page<NewsSummary> list(UUID communityId, UUID callerId, NewsQuery query) {
        return query.drafts() ? jdbi.withHandle(handle -> page(handle, communityId, callerId, query))
                : reads.withHandle(handle -> page(handle, communityId, callerId, query));
    }

    private static Page<NewsSummary> page(Handle handle, UUID communityId, UUID callerId, NewsQuery query) {
        Optional<Membership> caller = membership(handle, communityId, callerId);
        if (query.drafts()) {
            Memberships.requireManager(caller);
        } else {
            requireActive(caller);
        }
        NewsPostDao posts = handle.attach(NewsPostDao.class);
        String afterAt = query.afterAt() == null ? null : query.afterAt().toString();
        List<NewsSummary> rows = query.drafts()
                ? posts.drafts(communityId, afterAt, query.afterId(), query.limit() + 1)
                : posts.published(communityId, afterAt, query.afterId(), query.limit() + 1);
        return Page.of(rows, query.limit(), p -> new KeysetCursor(
                (query.drafts() ? p.createdAt() : p.publishedAt()).toString(), p.id()).encode());
    }

    private NewsPost write(UUID communityId, UUID callerId, UUID postId, java.util.function.Predicate<NewsPostDao> change) {
        return jdbi.inTransaction(handle -> {
            Memberships.requireManager(membership(handle, communityId, callerId));
            NewsPostDao posts = handle.attach(NewsPostDao.class);
            NewsPost post = posts.find(communityId, postId).orElseThrow(NewsPosts::notFound);
            return change.test(posts) ? posts.find(communityId, postId).orElseThrow() : post;
        });
    }

    private static Optional<Membership> membership(Handle handle, UUID communityId, UUID callerId) {
        return handle.attach(MembershipDao.class).find(communityId, callerId);
    }

    private static Membership requireActive(Optional<Membership> caller) {
        return caller.filter(Membership::isActive).orElseThrow(Communities::notFound);
    }

    private static ApiException notFound() {
        return new ApiException(404, "news_not_found", "no such news post in this community");
    }
}
