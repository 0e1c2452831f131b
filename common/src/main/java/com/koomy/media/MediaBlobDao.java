package com.koomy.media;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;

/** The registry of stored blobs, which the orphan collector works from (storage is never listed). */
public interface MediaBlobDao {

    /**
     * Written, and committed, before the bytes go to storage; a blob that exists already is touched
     * again, which keeps the collector off it for a full grace period. The collector locks the rows it
     * deletes, so a touch waits for a deletion in progress and then writes the row anew.
     */
    @SqlUpdate("""
            INSERT INTO media_blobs (key, bytes, content_type) VALUES (:key, :bytes, :contentType)
            ON CONFLICT (key) DO UPDATE SET touched_at = now()
            """)
    void touch(@Bind("key") String key, @Bind("bytes") long bytes, @Bind("contentType") String contentType);

    /** Blobs no variant references and nobody touched since the cutoff, locked for deletion. */
    @SqlQuery("""
            SELECT key FROM media_blobs b
             WHERE b.touched_at < :cutoff
               AND NOT EXISTS (SELECT 1 FROM media_variants v WHERE v.blob_key = b.key)
             ORDER BY b.touched_at
             LIMIT :limit
             FOR UPDATE SKIP LOCKED
            """)
    List<String> lockCollectable(@Bind("cutoff") Instant cutoff, @Bind("limit") int limit);

    @SqlUpdate("DELETE FROM media_blobs WHERE key IN (<keys>)")
    int delete(@BindList("keys") List<String> keys);

    @SqlQuery("SELECT count(*) FROM media_blobs")
    long count();
}
