package com.koomy.newsletters;

import org.jdbi.v3.core.Jdbi;

import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;

/**
 * Rows for the newsletters DAO tests: accounts, communities and memberships in plain SQL (their DAOs are tested
 * elsewhere), newsletters through NewsletterDao and NewsletterBatchDao. (NewsletterRows is a main class.)
 */
final class NewsletterFixture {

    final Jdbi jdbi;
    final UUID community = UUID.randomUUID();
    final UUID manager;

    NewsletterFixture(Jdbi jdbi) {
        this.jdbi = jdbi;
        sql("INSERT INTO communities (id, name, slug, locale) VALUES (?, 'Club', ?, 'en')", community, "c-" + community);
        this.manager = account("manager-" + community + "@x.org");
    }

    UUID account(String email) {
        UUID id = UUID.randomUUID();
        sql("INSERT INTO accounts (id, email, name, password_hash) VALUES (?, ?, 'M', 'x')", id, email);
        return id;
    }

    /** A member of the community with this address; {@code paidUntil} null: never paid. */
    UUID member(String email, String status, LocalDate paidUntil) {
        UUID id = account(email);
        sql("INSERT INTO memberships (community_id, account_id, status, dues_paid_until) VALUES (?, ?, ?, ?)",
                community, id, status, paidUntil);
        return id;
    }

    UUID draft(String subject) {
        UUID id = UUID.randomUUID();
        jdbi.useExtension(NewsletterDao.class, dao -> dao.insertDraft(
                new NewsletterDao.NewDraft(id, community, null, subject, "body", manager, "all", null, null)));
        return id;
    }

    /** A newsletter queued by code; empty when its key was taken. */
    Optional<UUID> queued(String key) {
        return jdbi.withExtension(NewsletterBatchDao.class, dao -> dao.insert(
                new NewsletterBatchDao.Queued(UUID.randomUUID(), community, "Club", key, "fr", "Subject", "Body")));
    }

    void sql(String statement, Object... args) {
        jdbi.useHandle(h -> h.execute(statement, args));
    }
}
