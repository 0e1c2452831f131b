package com.koomy.accounts;

import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

@RegisterRowMapper(AccountMapper.class)
public interface AccountDao {

    /** Returns false when the email is taken (nothing written). */
    @SqlUpdate("""
            INSERT INTO accounts (id, email, name, locale, password_hash)
            VALUES (:id, :email, :name, :locale, :passwordHash)
            ON CONFLICT (email) DO NOTHING
            """)
    boolean insert(@Bind("id") UUID id, @Bind("email") String email, @Bind("name") String name,
                   @Bind("locale") String locale, @Bind("passwordHash") String passwordHash);

    @SqlQuery("SELECT * FROM accounts WHERE id = :id")
    Optional<Account> find(@Bind("id") UUID id);

    /** {@code email} in its normal form ({@link com.koomy.email.EmailAddresses#normalize}): compared exactly. */
    @SqlQuery("SELECT * FROM accounts WHERE email = :email")
    Optional<Account> findByEmail(@Bind("email") String email);

    @SqlUpdate("""
            UPDATE accounts SET password_hash = :hash, password_changed_at = now(), updated_at = now() WHERE id = :id
            """)
    void setPassword(@Bind("id") UUID id, @Bind("hash") String passwordHash);

    /** A rehash with today's parameters, without counting as a password change. */
    @SqlUpdate("UPDATE accounts SET password_hash = :hash, updated_at = now() WHERE id = :id")
    void rehash(@Bind("id") UUID id, @Bind("hash") String passwordHash);

    @SqlUpdate("UPDATE accounts SET email_verified_at = coalesce(email_verified_at, now()), updated_at = now() WHERE id = :id")
    void markVerified(@Bind("id") UUID id);

    @SqlUpdate("UPDATE accounts SET platform_operator = :operator, updated_at = now() WHERE email = :email")
    int setOperator(@Bind("email") String email, @Bind("operator") boolean operator);

    @SqlUpdate("""
            INSERT INTO account_tokens (token_hash, account_id, purpose, expires_at)
            VALUES (:hash, :accountId, :purpose, :expiresAt)
            """)
    void insertToken(@Bind("hash") byte[] tokenHash, @Bind("accountId") UUID accountId, @Bind("purpose") String purpose,
                     @Bind("expiresAt") Instant expiresAt);

    /** Uses a valid token once; returns its account, or nothing if unknown, used or expired. */
    @SqlQuery("""
            UPDATE account_tokens SET used_at = now()
             WHERE token_hash = :hash AND purpose = :purpose AND used_at IS NULL AND expires_at > now()
            RETURNING account_id
            """)
    Optional<UUID> useToken(@Bind("hash") byte[] tokenHash, @Bind("purpose") String purpose);

    /** After a password change, older reset links stop working. */
    @SqlUpdate("UPDATE account_tokens SET used_at = now() WHERE account_id = :id AND purpose = :purpose AND used_at IS NULL")
    void expireTokens(@Bind("id") UUID accountId, @Bind("purpose") String purpose);

    @SqlUpdate("UPDATE accounts SET name = :name, locale = :locale, updated_at = now() WHERE id = :id")
    void setProfile(@Bind("id") UUID id, @Bind("name") String name, @Bind("locale") String locale);

    /** A change-of-email token: the new address ({@link com.koomy.email.EmailAddresses#normalize}d) travels with it. */
    @SqlUpdate("""
            INSERT INTO account_tokens (token_hash, account_id, purpose, expires_at, new_email)
            VALUES (:hash, :accountId, 'email_change', :expiresAt, :newEmail)
            """)
    void insertEmailChangeToken(@Bind("hash") byte[] tokenHash, @Bind("accountId") UUID accountId,
                                @Bind("newEmail") String newEmail, @Bind("expiresAt") Instant expiresAt);

    record EmailChange(UUID accountId, String newEmail) {
    }

    /** Uses a valid change-of-email token once; nothing if unknown, used or expired. */
    @SqlQuery("""
            UPDATE account_tokens SET used_at = now()
             WHERE token_hash = :hash AND purpose = 'email_change' AND used_at IS NULL AND expires_at > now()
            RETURNING account_id, new_email
            """)
    @org.jdbi.v3.sqlobject.config.RegisterConstructorMapper(EmailChange.class)
    Optional<EmailChange> useEmailChangeToken(@Bind("hash") byte[] tokenHash);

    /** The confirmed address becomes the login; confirming it verified it. Throws on a unique violation (taken since). */
    @SqlUpdate("""
            UPDATE accounts SET email = :email, email_verified_at = now(), updated_at = now() WHERE id = :id
            """)
    void setEmail(@Bind("id") UUID id, @Bind("email") String email);

    /** The account's address and name, as an email's addressee. */
    @SqlQuery("SELECT email, name FROM accounts WHERE id = :id")
    @org.jdbi.v3.sqlobject.config.RegisterConstructorMapper(com.koomy.email.Recipient.class)
    com.koomy.email.Recipient recipient(@Bind("id") UUID id);
}
