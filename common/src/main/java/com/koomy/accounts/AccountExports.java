package com.koomy.accounts;

import com.koomy.errors.ApiException;
import com.koomy.jobs.OutboxDao;
import org.jdbi.v3.core.Jdbi;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * "Export my data" (issue 21, GDPR articles 15 and 20): the request (an outbox row for the worker's
 * {@link BuildAccountExportJob}), its status with a fresh one-time download link once ready, and the
 * download itself, which erases the archive.
 */
public class AccountExports {

    /** How long a download link works; asking for the status again mints a new one (the old stops working). */
    public static final Duration LINK_TTL = Duration.ofMinutes(10);

    private final Jdbi jdbi;
    private final String publicUrl;
    private final Clock clock;

    public AccountExports(Jdbi jdbi, String publicUrl, Clock clock) {
        this.jdbi = jdbi;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
        this.clock = clock;
    }

    /** An export and, when ready, a link that downloads it once before {@code linkExpiresAt}. */
    public record Status(AccountExport export, String downloadUrl, Instant linkExpiresAt) {
    }

    /** Queues an export; while one is pending, asking again returns that one. Older archives are erased. */
    public AccountExport request(UUID accountId) {
        return jdbi.inTransaction(handle -> {
            AccountExportDao dao = handle.attach(AccountExportDao.class);
            Optional<AccountExport> pending = dao.findPending(accountId);
            if (pending.isPresent()) {
                return pending.get();
            }
            dao.expireReady(accountId);
            UUID id = UUID.randomUUID();
            dao.insert(id, accountId);
            handle.attach(OutboxDao.class).add(AccountExport.OUTBOX_KIND, id.toString());
            return dao.find(id, accountId).orElseThrow();
        });
    }

    /** 404 {@code export_not_found} for an unknown id or another account's. */
    public Status status(UUID accountId, UUID exportId) {
        return jdbi.inTransaction(handle -> {
            AccountExportDao dao = handle.attach(AccountExportDao.class);
            AccountExport export = dao.find(exportId, accountId).orElseThrow(() ->
                    new ApiException(404, "export_not_found", "exportId: no such export of this account"));
            if (!"ready".equals(export.status())) {
                return new Status(export, null, null);
            }
            String token = SecretTokens.newToken();
            Instant expiresAt = clock.instant().plus(LINK_TTL);
            dao.setLink(exportId, accountId, SecretTokens.sha256(token), expiresAt);
            return new Status(export, publicUrl + "/api/account-exports/" + exportId + "/download?token="
                    + URLEncoder.encode(token, StandardCharsets.UTF_8), expiresAt);
        });
    }

    /** The archive (JSON text), once; nothing for a wrong, expired or used link (all look alike). */
    public Optional<String> download(UUID exportId, String token) {
        if (token == null || token.isEmpty() || token.length() > 100) {
            return Optional.empty();
        }
        return jdbi.inTransaction(handle -> handle.attach(AccountExportDao.class).take(exportId, SecretTokens.sha256(token)));
    }
}
