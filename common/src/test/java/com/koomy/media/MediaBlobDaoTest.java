package com.koomy.media;

import com.koomy.testing.Rows;
import com.koomy.testing.TestDatabase;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class MediaBlobDaoTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    private static String key(char c) {
        return String.valueOf(c).repeat(64) + ".png";
    }

    private static List<String> collectable(Rows rows, Instant cutoff, int limit) {
        return rows.inTransaction(MediaBlobDao.class, d -> d.lockCollectable(cutoff, limit));
    }

    @Test
    void collectableBlobsAreTheUnreferencedOnesNotTouchedSinceTheCutoffOldestFirst() {
        Rows rows = new Rows(db.jdbi());
        MediaBlobDao dao = db.jdbi().onDemand(MediaBlobDao.class);
        Instant cutoff = Instant.parse("2025-03-01T00:00:00Z");
        for (char c : "abcde".toCharArray()) {
            dao.touch(key(c), 100, "image/png");
        }
        rows.sql("UPDATE media_blobs SET touched_at = ? WHERE key = ?", cutoff.minusSeconds(10), key('a'));
        rows.sql("UPDATE media_blobs SET touched_at = ? WHERE key = ?", cutoff.minusSeconds(20), key('b'));
        rows.sql("UPDATE media_blobs SET touched_at = ? WHERE key = ?", cutoff, key('c'));
        rows.sql("UPDATE media_blobs SET touched_at = ? WHERE key = ?", cutoff.minusSeconds(30), key('d'));
        UUID club = rows.community("Blobs");
        UUID media = UUID.randomUUID();
        db.jdbi().onDemand(MediaDao.class).insert(new MediaDao.NewMedia(media, club, "community_logo", club,
                rows.account("Uploader"), "png", "png", 1, 1));
        db.jdbi().onDemand(MediaDao.class).insertVariant(media, "original", key('d'), 1, 1);

        assertThat(collectable(rows, cutoff, 10)).containsExactly(key('b'), key('a'));
        assertThat(collectable(rows, cutoff, 1)).containsExactly(key('b'));

        dao.touch(key('b'), 100, "image/png");
        assertThat(collectable(rows, cutoff, 10))
                .as("touched again: safe for a grace period").containsExactly(key('a'));
        assertThat(dao.delete(List.of(key('a'), key('z')))).isEqualTo(1);
        assertThat(dao.count()).isEqualTo(4);
    }

    @Test
    void aBlobLockedByOneCollectorIsSkippedByAnother() {
        Rows rows = new Rows(db.jdbi());
        MediaBlobDao dao = db.jdbi().onDemand(MediaBlobDao.class);
        Instant future = Instant.now().plusSeconds(3600);
        dao.touch(key('f'), 1, "image/png");
        dao.touch(key('9'), 1, "image/png");
        List<String> all = collectable(rows, future, 100);

        // Two connections of their own: Jdbi would run a nested inTransaction on the outer callback's handle.
        List<List<String>> taken;
        try (Handle first = db.jdbi().open(); Handle second = db.jdbi().open()) {
            first.begin();
            second.execute("SET lock_timeout = '5s'"); // without SKIP LOCKED: an error, not a hang
            List<String> a = first.attach(MediaBlobDao.class).lockCollectable(future, 1);
            List<String> b = second.inTransaction(h -> h.attach(MediaBlobDao.class).lockCollectable(future, 100));
            first.rollback();
            taken = List.of(a, b);
        }

        assertThat(all).contains(key('f'), key('9'));
        assertThat(taken.get(0)).containsExactly(all.get(0));
        assertThat(taken.get(1)).containsExactlyElementsOf(all.subList(1, all.size()));
    }
}
