package com.koomy.media;

import com.koomy.events.EventDao;
import com.koomy.events.EventFields;
import com.koomy.news.NewsPostDao;
import com.koomy.testing.Rows;
import com.koomy.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

class MediaDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static Rows rows;
    private static MediaDao dao;
    private static UUID uploader;

    @BeforeAll
    static void setUp() {
        rows = new Rows(db.jdbi());
        dao = db.jdbi().onDemand(MediaDao.class);
        uploader = rows.account("Uploader");
    }

    private static UUID media(UUID id, UUID community, String kind, UUID target) {
        dao.insert(new MediaDao.NewMedia(id, community, kind, target, uploader, "webp", "jpeg", 40, 30));
        return id;
    }

    private static UUID media(UUID community, String kind, UUID target) {
        return media(UUID.randomUUID(), community, kind, target);
    }

    @Test
    void aMediaIsFoundInItsCommunityOnly() {
        UUID club = rows.community("Logo");
        UUID logo = media(club, "community_logo", club);

        assertThat(dao.find(club, logo).orElseThrow().status()).isEqualTo("processing");
        assertThat(dao.find(rows.community("Other"), logo)).isEmpty();
        assertThat(dao.findById(logo).orElseThrow().communityId()).isEqualTo(club);
    }

    @Test
    void theCurrentImagesOfATargetAreItsUnreleasedOnesOldestFirst() {
        UUID club = rows.community("News");
        UUID post = UUID.randomUUID();
        UUID second = media(new UUID(2, 2), club, "news_image", post);
        UUID first = media(new UUID(2, 3), club, "news_image", post);
        UUID tie = media(new UUID(2, 1), club, "news_image", post);
        UUID released = media(club, "news_image", post);
        media(club, "news_image", UUID.randomUUID());
        media(club, "event_image", post);
        rows.sql("UPDATE media SET created_at = ? WHERE id = ?", Instant.parse("2025-01-01T00:00:00Z"), first);
        rows.sql("UPDATE media SET created_at = ? WHERE id IN (?, ?)", Instant.parse("2025-01-02T00:00:00Z"), second, tie);

        assertThat(dao.release(club, "news_image", post, released)).isTrue();
        assertThat(dao.release(club, "news_image", post, released)).as("released already").isFalse();
        assertThat(dao.release(club, "news_image", UUID.randomUUID(), first)).as("another target").isFalse();
        assertThat(dao.current(club, "news_image", post)).extracting(Media::id).containsExactly(first, tie, second);

        assertThat(dao.releaseAll(club, "news_image", post)).isEqualTo(3);
        assertThat(dao.current(club, "news_image", post)).isEmpty();
        assertThat(dao.current(club, "event_image", post)).hasSize(1);
    }

    @Test
    void variantsAreAddedOnceAndListedByMediaThenVariant() {
        UUID club = rows.community("Variants");
        UUID a = media(new UUID(9, 1), club, "news_image", club);
        UUID b = media(new UUID(9, 2), club, "news_image", club);
        String key = "a".repeat(64) + ".jpg";
        String other = "b".repeat(64) + ".jpg";
        MediaBlobDao blobs = db.jdbi().onDemand(MediaBlobDao.class);
        blobs.touch(key, 10, "image/jpeg");
        blobs.touch(other, 10, "image/jpeg");
        dao.insertVariant(b, "thumb", key, 10, 10);
        dao.insertVariant(b, "original", key, 40, 30);
        dao.insertVariant(a, "thumb", key, 10, 10);
        dao.insertVariant(a, "thumb", other, 99, 99);

        assertThat(dao.variants(List.of(a, b))).extracting(MediaVariant::mediaId, MediaVariant::variant, MediaVariant::blobKey)
                .containsExactly(tuple(a, "thumb", key),
                        tuple(b, "original", key), tuple(b, "thumb", key));
        assertThat(dao.variants(List.of(b))).hasSize(2);
    }

    @Test
    void readyIsSetOnceAndFailedOnlyWhileProcessing() {
        UUID club = rows.community("States");
        UUID ready = media(club, "news_image", club);
        UUID failing = media(club, "news_image", club);

        assertThat(dao.markReady(ready)).isTrue();
        assertThat(dao.markReady(ready)).isFalse();
        assertThat(dao.markFailed(ready, "late")).as("ready stays ready").isFalse();
        assertThat(dao.markFailed(failing, "decode")).isTrue();

        assertThat(dao.findById(ready).orElseThrow().status()).isEqualTo("ready");
        assertThat(dao.findById(failing).orElseThrow().lastError()).isEqualTo("decode");
        assertThat(dao.markReady(failing)).as("a retry that succeeds").isTrue();
        assertThat(dao.findById(failing).orElseThrow().lastError()).isNull();
    }

    @Test
    void theCollectorReleasesImagesOfDeletedNewsAndAvatarsOfFormerMembers() {
        // The other tests' images target no post: out of the way, so that the counts below are this test's.
        rows.sql("UPDATE media SET released_at = now() WHERE released_at IS NULL");
        UUID club = rows.community("Collected");
        UUID other = rows.community("Other");
        UUID author = rows.memberOf(club, "Author", "member", "expired");
        UUID post = UUID.randomUUID();
        UUID otherPost = UUID.randomUUID();
        db.jdbi().useExtension(NewsPostDao.class, d -> {
            d.insert(post, club, author, "Kept", "");
            d.insert(otherPost, other, author, "Theirs", "");
        });
        UUID kept = media(club, "news_image", post);
        UUID deleted = media(club, "news_image", UUID.randomUUID());
        UUID wrongCommunity = media(club, "news_image", otherPost);
        UUID expiredMembersAvatar = media(club, "member_avatar", author);
        UUID formerMembersAvatar = media(club, "member_avatar", rows.memberOf(other, "Left", "member", "active"));

        assertThat(dao.releaseImagesOfDeletedNews()).isEqualTo(2);
        assertThat(dao.releaseAvatarsOfFormerMembers()).isEqualTo(1);

        assertThat(rows.strings("SELECT id::text FROM media WHERE released_at IS NULL AND community_id = ? ORDER BY id", club))
                .containsExactlyInAnyOrder(kept.toString(), expiredMembersAvatar.toString());
        assertThat(List.of(deleted, wrongCommunity, formerMembersAvatar))
                .allSatisfy(id -> assertThat(dao.findById(id).orElseThrow().releasedAt()).isNotNull());
    }

    @Test
    void mediaReleasedBeforeTheCutoffAreDeleted() {
        UUID club = rows.community("Deleted");
        Instant cutoff = Instant.parse("2025-02-01T00:00:00Z");
        UUID before = media(club, "news_image", club);
        UUID atCutoff = media(club, "news_image", club);
        UUID current = media(club, "news_image", club);
        rows.sql("UPDATE media SET released_at = ? WHERE id = ?", cutoff.minusMillis(1), before);
        rows.sql("UPDATE media SET released_at = ? WHERE id = ?", cutoff, atCutoff);

        assertThat(dao.deleteReleasedBefore(cutoff)).isEqualTo(1);
        assertThat(dao.findById(before)).isEmpty();
        assertThat(dao.findById(atCutoff)).isPresent();
        assertThat(dao.findById(current)).isPresent();
    }

    @Test
    void anUploadsTargetMustExistInTheCommunity() {
        UUID club = rows.community("Targets");
        UUID other = rows.community("Other targets");
        UUID active = rows.memberOf(club, "Active", "member", "active");
        UUID pending = rows.memberOf(club, "Pending", "member", "pending");
        UUID post = UUID.randomUUID();
        db.jdbi().useExtension(NewsPostDao.class, d -> d.insert(post, other, active, "Elsewhere", ""));
        UUID event = UUID.randomUUID();
        db.jdbi().useExtension(EventDao.class, d -> d.insert(event, other, new EventFields("Party", "", "",
                Instant.parse("2025-06-01T18:00:00Z"), Instant.parse("2025-06-01T20:00:00Z"), "Europe/Paris", 10, "members", 1, null),
                active));

        assertThat(List.of(
                rows.inTransaction(MediaDao.class, d -> d.lockCommunity(club, club)).isPresent(),
                rows.inTransaction(MediaDao.class, d -> d.lockCommunity(club, other)).isPresent(),
                rows.inTransaction(MediaDao.class, d -> d.lockMember(club, active)).isPresent(),
                rows.inTransaction(MediaDao.class, d -> d.lockMember(club, pending)).isPresent(),
                rows.inTransaction(MediaDao.class, d -> d.lockMember(other, active)).isPresent(),
                rows.inTransaction(MediaDao.class, d -> d.lockNewsPost(other, post)).isPresent(),
                rows.inTransaction(MediaDao.class, d -> d.lockNewsPost(club, post)).isPresent(),
                rows.inTransaction(MediaDao.class, d -> d.lockEvent(other, event)).isPresent(),
                rows.inTransaction(MediaDao.class, d -> d.lockEvent(club, event)).isPresent()))
                .containsExactly(true, false, true, false, false, true, false, true, false);
    }
}
