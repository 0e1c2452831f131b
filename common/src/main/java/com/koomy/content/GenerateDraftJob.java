package com.koomy.content;

import com.koomy.config.OpenAiFactory;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.jobs.lambdas.JobRequestHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.LocalDate;
import java.util.UUID;

/**
 * Generates one AI draft: claims it (queued → running, attempts + 1), reserves one call in the
 * community's daily budget, asks OpenAI, stores text, model, usage and duration.
 *
 * <p>Idempotent: only a queued draft (or a running one whose worker is presumed dead: its attempt
 * started more than the lease ago) is claimed, so a duplicate or late run of a done or failed draft
 * calls nobody.
 *
 * <p>Retries are JobRunr's, not the SDK's (the client is built with {@code maxRetries(0)}): a retry
 * pending in JobRunr survives a worker crash or deploy, each attempt goes through the budget
 * reservation (so every HTTP call to OpenAI is counted) and shows in {@code attempts} and
 * {@code last_error}; an SDK retry would sleep in a worker thread, be lost with the process and go
 * around the budget. The cost: JobRunr's backoff (3^n s) does not follow {@code retry-after}, which
 * is recorded in {@code last_error} instead. The route gives the job {@code openai.maxRetries}
 * retries, and the draft fails on the same count, so both give up together.
 *
 * <p>Outcomes: retryable failure (429, 5xx, timeout) with retries left → back to {@code queued} and
 * the exception is rethrown for JobRunr to retry; retries exhausted → {@code failed} and rethrown
 * (the job shows FAILED on the dashboard). Over budget, no API key, another 4xx, a refusal or an
 * empty answer → {@code failed} and the job ends normally, so JobRunr does not retry what cannot
 * succeed; the draft's row is the record of the failure.
 */
public class GenerateDraftJob implements JobRequestHandler<GenerateDraft> {

    private static final Logger LOG = LoggerFactory.getLogger(GenerateDraftJob.class);
    private static final int MAX_ERROR_LENGTH = 2000;

    private final Jdbi jdbi;
    private final OpenAiFactory config;
    private final OpenAiDraftWriter writer;

    public GenerateDraftJob(Jdbi jdbi, OpenAiFactory config) {
        this(jdbi, config, new OpenAiDraftWriter(config));
    }

    GenerateDraftJob(Jdbi jdbi, OpenAiFactory config, OpenAiDraftWriter writer) {
        this.jdbi = jdbi;
        this.config = config;
        this.writer = writer;
    }

    private record Attempt(ContentDraft draft, LocalDate budgetDay) {
    }

    /** Name and retries are set where the job is built (the worker's outbox routes). */
    @Override
    public void run(GenerateDraft request) throws Exception {
        generate(request.draftId());
    }

    public void generate(UUID draftId) throws ProviderCallException {
        Attempt attempt = claim(draftId);
        if (attempt == null) {
            return;
        }
        ContentDraft draft = attempt.draft();
        long start = System.nanoTime();
        OpenAiDraftWriter.Written written;
        try {
            written = writer.write(draft.kind(), draft.language(), draft.brief());
        } catch (ProviderCallException e) {
            settleFailure(draft, e, elapsedMillis(start));
            if (e.retryable()) {
                throw e;
            }
            return;
        } catch (RuntimeException e) {
            settleFailure(draft, new ProviderCallException(e.toString(), true, e), elapsedMillis(start));
            throw e;
        }
        int durationMs = elapsedMillis(start);
        jdbi.useTransaction(handle -> {
            handle.attach(ContentBudgetDao.class).addTokens(draft.communityId(), attempt.budgetDay(), written.totalTokens());
            handle.attach(ContentBudgetDao.class).addTokens(ContentBudgetDao.PLATFORM, attempt.budgetDay(), written.totalTokens());
            int stored = handle.attach(ContentDraftDao.class).markDone(new ContentDraftDao.Done(draft.id(),
                    draft.attempts(), written.text(), written.model(), Math.toIntExact(written.promptTokens()),
                    Math.toIntExact(written.completionTokens()), Math.toIntExact(written.totalTokens()), durationMs));
            if (stored == 0) {
                LOG.warn("Content draft {}: attempt {} was taken over by a newer one; its text is discarded",
                        draft.id(), draft.attempts());
            }
        });
        LOG.info("Content draft {} done in {} ms: model {}, {} tokens", draft.id(), durationMs, written.model(),
                written.totalTokens());
    }

    /**
     * Starts an attempt, or returns null when there is nothing to call the provider for (already
     * settled, or failed here because of the key or the budget).
     */
    private Attempt claim(UUID draftId) {
        return jdbi.inTransaction(handle -> {
            ContentDraftDao drafts = handle.attach(ContentDraftDao.class);
            ContentDraft draft = drafts.claim(draftId, leaseSeconds()).orElse(null);
            if (draft == null) {
                ContentDraft existing = drafts.find(draftId)
                        .orElseThrow(() -> new IllegalStateException("Content draft " + draftId + " is not stored"));
                if (existing.status() == ContentDraftStatus.running) {
                    // Another attempt is calling the provider; if its worker died, the lease expires and a retry takes over.
                    throw new IllegalStateException("Content draft " + draftId + " is being generated by attempt "
                            + existing.attempts() + " since " + existing.startedAt() + "; retrying later");
                }
                LOG.info("Content draft {} already {}, nothing to do", draftId, existing.status());
                return null;
            }
            if (!config.isConfigured()) {
                drafts.markFailed(draftId, draft.attempts(), ContentDrafts.notConfigured().getMessage(), null);
                LOG.warn("Content draft {} failed: OPENAI_API_KEY is not set in this worker", draftId);
                return null;
            }
            ContentBudgetDao budgets = handle.attach(ContentBudgetDao.class);
            LocalDate day = budgets.reserve(draft.communityId(), config.getDailyRequestBudget(), config.getDailyTokenBudget())
                    .orElse(null);
            if (day == null) {
                String error = ContentDrafts
                        .overBudget(config.getDailyRequestBudget(), config.getDailyTokenBudget()).getMessage();
                drafts.markFailed(draftId, draft.attempts(), error, null);
                LOG.warn("Content draft {} failed: community {} is over its daily AI budget", draftId, draft.communityId());
                return null;
            }
            // The platform's budget, in the same transaction: refused, the community's reservation is given back.
            if (budgets.reserve(ContentBudgetDao.PLATFORM, config.getPlatformDailyRequestBudget(),
                    config.getPlatformDailyTokenBudget()).isEmpty()) {
                budgets.release(draft.communityId(), day);
                drafts.markFailed(draftId, draft.attempts(), ContentDrafts.platformOverBudget().getMessage(), null);
                LOG.warn("Content draft {} failed: the platform's daily AI budget is used up", draftId);
                return null;
            }
            return new Attempt(draft, day);
        });
    }

    private void settleFailure(ContentDraft draft, ProviderCallException e, int durationMs) {
        String error = truncate(e.getMessage());
        boolean retriesLeft = e.retryable() && draft.attempts() <= config.getMaxRetries();
        try {
            jdbi.useExtension(ContentDraftDao.class, dao -> {
                if (retriesLeft) {
                    dao.releaseForRetry(draft.id(), draft.attempts(), error, durationMs);
                } else {
                    dao.markFailed(draft.id(), draft.attempts(), error, durationMs);
                }
            });
        } catch (RuntimeException bookkeeping) {
            e.addSuppressed(bookkeeping);
        }
        if (retriesLeft) {
            LOG.warn("Content draft {} attempt {} failed, JobRunr retries: {}", draft.id(), draft.attempts(), error);
        } else if (e.retryable()) {
            LOG.error("Content draft {} failed after {} attempts: {}", draft.id(), draft.attempts(), error);
        } else {
            LOG.warn("Content draft {} failed, not retried: {}", draft.id(), error);
        }
    }

    /** Longer than any one attempt (the client's timeout), so a live attempt is never taken over. */
    private long leaseSeconds() {
        return 2 * config.getTimeout().toSeconds() + 30;
    }

    private static int elapsedMillis(long startNanos) {
        return (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - startNanos) / 1_000_000);
    }

    private static String truncate(String s) {
        return s == null || s.length() <= MAX_ERROR_LENGTH ? s : s.substring(0, MAX_ERROR_LENGTH) + "…";
    }
}
