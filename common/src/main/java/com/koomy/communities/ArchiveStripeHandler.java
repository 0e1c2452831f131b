package com.koomy.communities;

import com.koomy.stripe.StripeGateway;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.jobs.lambdas.JobRequest;
import org.jobrunr.jobs.lambdas.JobRequestHandler;

import java.util.function.Function;

/**
 * What an archive (or unarchive) changes at Stripe, done by the worker: the handler reads the community's
 * state when it runs ({@link CommunityLifeDao}) and calls Stripe through {@link StripeGateway}, the one way out.
 */
public abstract class ArchiveStripeHandler<T extends JobRequest> implements JobRequestHandler<T> {

    private final Jdbi jdbi;
    protected final StripeGateway stripe;

    protected ArchiveStripeHandler(Jdbi jdbi, StripeGateway stripe) {
        this.jdbi = jdbi;
        this.stripe = stripe;
    }

    /** The community's state as it is now, read on a handle of its own (no transaction held over Stripe's calls). */
    protected <R> R read(Function<CommunityLifeDao, R> query) {
        return jdbi.withHandle(handle -> query.apply(handle.attach(CommunityLifeDao.class)));
    }
}
