package com.koomy.media;

import java.util.Arrays;

/**
 * What an image illustrates, and who may upload it. Its target row is locked for the upload by
 * {@code MediaDao.lockCommunity}/{@code lockMember}/{@code lockNewsPost}/{@code lockEvent} (CommunityMedia
 * picks the one of the kind).
 *
 * <p>A new kind needs V10's check constraint to allow it, a lock in MediaDao, a read rule in CommunityMedia and, when
 * its target rows can be deleted, a release query called by {@link CollectOrphanMediaJob} (as for news).
 */
public enum MediaTarget {
    COMMUNITY_LOGO("community_logo", true, Uploader.MANAGER),
    COMMUNITY_COVER("community_cover", true, Uploader.MANAGER),
    MEMBER_AVATAR("member_avatar", true, Uploader.SELF),
    NEWS_IMAGE("news_image", false, Uploader.MANAGER),
    /** Events are cancelled, never deleted (a deleted community cascades its media rows). */
    EVENT_IMAGE("event_image", false, Uploader.MANAGER);

    /** Owners and admins of the community, or the member themself (their own avatar). */
    public enum Uploader { MANAGER, SELF }

    private final String id;
    private final boolean single;
    private final Uploader uploader;

    MediaTarget(String id, boolean single, Uploader uploader) {
        this.id = id;
        this.single = single;
        this.uploader = uploader;
    }

    /** As stored in {@code media.target_kind} and shown by the API. */
    public String id() { return id; }

    /** One current image (a new upload replaces it), or a list (news images). */
    public boolean single() { return single; }

    public Uploader uploader() { return uploader; }

    public static MediaTarget byId(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown media target " + id));
    }
}
