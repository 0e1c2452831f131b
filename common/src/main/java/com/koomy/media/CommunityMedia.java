package com.koomy.media;

import com.koomy.communities.Communities;
import com.koomy.communities.Community;
import com.koomy.communities.CommunityDao;
import com.koomy.config.MediaFactory;
import com.koomy.errors.ApiException;
import com.koomy.events.EventDao;
import com.koomy.jobs.OutboxDao;
import com.koomy.media.image.ImagePipeline;
import com.koomy.media.image.ImagePipeline.Encoded;
import com.koomy.media.image.ImagePipeline.Probe;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipDao;
import com.koomy.memberships.Memberships;
import com.koomy.news.NewsPost;
import com.koomy.news.NewsPostDao;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A community's images: uploads, replacement and deletion, and who may see them. The tenant rules
 * are those of the rest of the API: no (active) membership answers 404 community_not_found, a member
 * without the role 403, a target of another community 404, whatever its id.
 *
 * <p>An upload is checked ({@link #authorizeUpload}) before its body is read, read and re-encoded
 * outside any transaction, stored, and only then recorded with its outbox row (the worker makes the
 * smaller sizes) in one transaction that checks the caller and locks the target again.
 */
public class CommunityMedia {

    private final Jdbi jdbi;
    private final ImagePipeline images;
    private final MediaBlobs blobs;
    private final MediaFactory config;

    public CommunityMedia(Jdbi jdbi, ImagePipeline images, MediaBlobs blobs, MediaFactory config) {
        this.jdbi = jdbi;
        this.images = images;
        this.blobs = blobs;
        this.config = config;
    }

    /** An image with its stored sizes. */
    public record Item(Media media, List<MediaVariant> variants) {
    }

    /** Whether uploads are being refused right now for lack of decode capacity (see ImagePipeline). */
    public boolean busy() {
        return images.saturated();
    }

    /** Throws unless the caller may upload to this target: called before the body is read. */
    public void authorizeUpload(MediaTarget target, UUID communityId, UUID callerId, UUID targetId) {
        jdbi.useHandle(handle -> {
            requireUploader(handle, target, communityId, callerId, targetId);
            if (target == MediaTarget.NEWS_IMAGE && handle.attach(NewsPostDao.class).find(communityId, targetId).isEmpty()) {
                throw targetNotFound(target);
            }
            if (target == MediaTarget.EVENT_IMAGE && eventVisibility(handle, communityId, targetId) == null) {
                throw targetNotFound(target);
            }
        });
    }

    /**
     * Validates, re-encodes and stores the uploaded file, then records it as the target's image (a
     * single-image target's previous one is released). The file is the caller's to delete.
     */
    public Item upload(MediaTarget target, UUID communityId, UUID callerId, UUID targetId, Path body) throws IOException {
        authorizeUpload(target, communityId, callerId, targetId);
        Probe probe = images.probe(body);
        Encoded original = images.reencode(body, probe, config.tempDirectory());
        try {
            blobs.save(original);
            UUID id = UUID.randomUUID();
            jdbi.useTransaction(handle -> {
                requireUploader(handle, target, communityId, callerId, targetId);
                lockTarget(handle, target, communityId, targetId);
                MediaDao media = handle.attach(MediaDao.class);
                if (target.single()) {
                    media.releaseAll(communityId, target.id(), targetId);
                } else if (media.current(communityId, target.id(), targetId).size() >= config.getMaxImagesPerTarget()) {
                    throw new ApiException(409, "too_many_images",
                            "at most " + config.getMaxImagesPerTarget() + " images; delete one first");
                }
                media.insert(new MediaDao.NewMedia(id, communityId, target.id(), targetId, callerId, probe.format().id(),
                        original.format().id(), original.width(), original.height()));
                media.insertVariant(id, MediaVariant.ORIGINAL, original.key(), original.width(), original.height());
                handle.attach(OutboxDao.class).add(Media.OUTBOX_KIND, id.toString());
            });
            return jdbi.withHandle(handle -> item(handle, handle.attach(MediaDao.class).find(communityId, id).orElseThrow()));
        } finally {
            Files.deleteIfExists(original.file());
        }
    }

    /** The single-image target's current image (logo, cover, an avatar), if any. */
    public Optional<Item> currentSingle(MediaTarget target, UUID communityId, UUID callerId, UUID targetId) {
        return current(target, communityId, callerId, targetId).stream().findFirst();
    }

    /** A target's current images, oldest first. */
    public List<Item> current(MediaTarget target, UUID communityId, UUID callerId, UUID targetId) {
        return jdbi.withHandle(handle -> {
            requireReader(handle, target, communityId, callerId, targetId);
            List<Media> media = handle.attach(MediaDao.class).current(communityId, target.id(), targetId);
            return items(handle, media);
        });
    }

    /** One image by id, current or released (its URLs still work during the grace period). */
    public Item get(UUID communityId, UUID callerId, UUID mediaId) {
        return jdbi.withHandle(handle -> {
            Optional<Media> found = handle.attach(MediaDao.class).find(communityId, mediaId);
            if (found.isEmpty()) {
                requireMember(handle, communityId, callerId);
                throw mediaNotFound();
            }
            Media media = found.get();
            requireReader(handle, media.target(), communityId, callerId, media.targetId());
            return item(handle, media);
        });
    }

    /** Releases the target's current image(s): a single target's image, or one image of a list. */
    public void release(MediaTarget target, UUID communityId, UUID callerId, UUID targetId, UUID mediaId) {
        jdbi.useTransaction(handle -> {
            if (target == MediaTarget.MEMBER_AVATAR && !targetId.equals(callerId)) {
                // A manager removes a member's avatar (moderation).
                Memberships.requireManager(handle.attach(MembershipDao.class).find(communityId, callerId));
            } else {
                requireUploader(handle, target, communityId, callerId, targetId);
            }
            MediaDao media = handle.attach(MediaDao.class);
            boolean released = mediaId == null
                    ? media.releaseAll(communityId, target.id(), targetId) > 0
                    : media.release(communityId, target.id(), targetId, mediaId);
            if (!released) {
                throw mediaNotFound();
            }
        });
    }

    private static void requireUploader(Handle handle, MediaTarget target, UUID communityId, UUID callerId, UUID targetId) {
        Optional<Membership> caller = handle.attach(MembershipDao.class).find(communityId, callerId);
        switch (target.uploader()) {
            case MANAGER -> Memberships.requireManager(caller);
            case SELF -> {
                caller.filter(Membership::isActive).orElseThrow(Communities::notFound);
                if (!callerId.equals(targetId)) {
                    throw new ApiException(403, "forbidden", "members change only their own avatar");
                }
            }
        }
    }

    /**
     * Who sees an image's record: the community's logo and cover, whoever sees the community (anyone
     * for a public one); avatars, active members; news images, those who see the post.
     */
    private static void requireReader(Handle handle, MediaTarget target, UUID communityId, UUID callerId, UUID targetId) {
        switch (target) {
            case COMMUNITY_LOGO, COMMUNITY_COVER -> {
                Community community = handle.attach(CommunityDao.class).find(communityId)
                        .orElseThrow(Communities::notFound);
                if (!community.isPublic()) {
                    requireMember(handle, communityId, callerId);
                }
            }
            case MEMBER_AVATAR -> requireMember(handle, communityId, callerId);
            case NEWS_IMAGE -> {
                Membership caller = requireMember(handle, communityId, callerId);
                NewsPost post = handle.attach(NewsPostDao.class).find(communityId, targetId)
                        .orElseThrow(() -> targetNotFound(target));
                if (!post.isPublished() && !caller.canManage()) {
                    throw targetNotFound(target);
                }
            }
            case EVENT_IMAGE -> {
                // As the event itself: public events of a public community to anyone, others to active members.
                String visibility = eventVisibility(handle, communityId, targetId);
                if (visibility == null) {
                    throw targetNotFound(target);
                }
                Community community = handle.attach(CommunityDao.class).find(communityId)
                        .orElseThrow(Communities::notFound);
                if (!(community.isPublic() && "public".equals(visibility))) {
                    requireMember(handle, communityId, callerId);
                }
            }
        }
    }

    /** The event's visibility ({@code members} or {@code public}), null when the community has no such event. */
    private static String eventVisibility(Handle handle, UUID communityId, UUID eventId) {
        return handle.attach(EventDao.class).visibility(communityId, eventId).orElse(null);
    }

    private static Membership requireMember(Handle handle, UUID communityId, UUID callerId) {
        if (callerId == null) {
            throw Communities.notFound();
        }
        return handle.attach(MembershipDao.class).find(communityId, callerId).filter(Membership::isActive)
                .orElseThrow(Communities::notFound);
    }

    private static void lockTarget(Handle handle, MediaTarget target, UUID communityId, UUID targetId) {
        MediaDao media = handle.attach(MediaDao.class);
        Optional<UUID> locked = switch (target) {
            case COMMUNITY_LOGO, COMMUNITY_COVER -> media.lockCommunity(communityId, targetId);
            case MEMBER_AVATAR -> media.lockMember(communityId, targetId);
            case NEWS_IMAGE -> media.lockNewsPost(communityId, targetId);
            case EVENT_IMAGE -> media.lockEvent(communityId, targetId);
        };
        locked.orElseThrow(() -> targetNotFound(target));
    }

    private static Item item(Handle handle, Media media) {
        return items(handle, List.of(media)).get(0);
    }

    private static List<Item> items(Handle handle, List<Media> media) {
        if (media.isEmpty()) {
            return List.of();
        }
        List<MediaVariant> variants = handle.attach(MediaDao.class).variants(media.stream().map(Media::id).toList());
        return media.stream().map(m -> new Item(m, variants.stream().filter(v -> v.mediaId().equals(m.id())).toList()))
                .toList();
    }

    private static ApiException targetNotFound(MediaTarget target) {
        return switch (target) {
            case NEWS_IMAGE -> new ApiException(404, "news_not_found", "no such news post in this community");
            case EVENT_IMAGE -> new ApiException(404, "event_not_found", "no such event in this community");
            default -> Communities.notFound();
        };
    }

    public static ApiException mediaNotFound() {
        return new ApiException(404, "media_not_found", "no such image");
    }
}
