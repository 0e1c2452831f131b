package com.koomy.communities;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.Optional;
import java.util.UUID;

@RegisterConstructorMapper(CommunityKey.class)
public interface CommunityKeyDao {

    /** Does nothing when the community has a key already: the first writer's key is the key. */
    @SqlUpdate("""
            INSERT INTO community_keys (community_id, public_key, private_key_nonce, private_key_enc)
            VALUES (:communityId, :publicKey, :nonce, :enc)
            ON CONFLICT (community_id) DO NOTHING
            """)
    void insert(@Bind("communityId") UUID communityId, @Bind("publicKey") byte[] publicKey,
                @Bind("nonce") byte[] nonce, @Bind("enc") byte[] enc);

    @SqlQuery("SELECT public_key, private_key_nonce, private_key_enc FROM community_keys WHERE community_id = :communityId")
    Optional<CommunityKey> find(@Bind("communityId") UUID communityId);
}
