package com.koomy.media;

import java.util.Arrays;

/**
 * What an image illustrates, who may upload it, and how its target row is found. The lock query
 * proves the target exists in the community (binds {@code communityId}, {@code targetId}) and holds
 * it for the upload's transaction, so two uploads of one logo, or an upload racing the deletion of
 * its news post, are serialised; FOR NO KEY UPDATE leaves inserts referencing the row free.
 *
 * <p>A new kind needs V10's check constraint to allow it, a read rule in CommunityMedia and, when
 * its target rows can be deleted, a release query called by {@link CollectOrphanMediaJob} (as for news).
 */
public enum MediaTarget {
    COMMUNITY_LOGO("community_logo", true, Uploader.MANAGER,
            "SELECT id FROM communities WHERE id = :communityId AND id = :targetId FOR NO KEY UPDATE"),
    COMMUNITY_COVER("community_cover", true, Uploader.MANAGER,
            "SELECT id FROM communities WHERE id = :communityId AND id = :targetId FOR NO KEY UPDATE"),
    MEMBER_AVATAR("member_avatar", true, Uploader.SELF,
            "SELECT account_id FROM memberships WHERE community_id = :communityId AND account_id = :targetId"
                    + " AND status = 'active' FOR NO KEY UPDATE"),
    NEWS_IMAGE("news_image", false, Uploader.MANAGER,
            "SELECT id FROM news_posts WHERE community_id = :communityId AND id = :targetId FOR NO KEY UPDATE"),
    /** Events are cancelled, never deleted (a deleted community cascades its media rows). */
    EVENT_IMAGE("event_image", false, Uploader.MANAGER,
            "SELECT id FROM events WHERE community_id = :communityId AND id = :targetId FOR NO KEY UPDATE");

    /** Owners and admins of the community, or the member themself (their own avatar). */
    public enum Uploader { MANAGER, SELF }

    private final String id;
    private final boolean single;
    private final Uploader uploader;
    private final String lockSql;

    MediaTarget(String id, boolean single, Uploader uploader, String lockSql) {
        this.id = id;
        this.single = single;
        this.uploader = uploader;
        this.lockSql = lockSql;
    }

    /** As stored in {@code media.target_kind} and shown by the API. */
    public String id() { return id; }

    /** One current image (a new upload replaces it), or a list (news images). */
    public boolean single() { return single; }

    public Uploader uploader() { return uploader; }

    String lockSql() { return lockSql; }

    public static MediaTarget byId(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown media target " + id));
    }
}
