package com.koomy.news;

import com.koomy.billing.PlanLimits;
import com.koomy.content.CommunityDrafts;
import com.koomy.content.ContentDraft;
import com.koomy.content.ContentDrafts;
import org.jdbi.v3.core.Jdbi;

/** AI drafts of news posts ({@link CommunityDrafts} of kind {@code news}). */
public class NewsDrafts extends CommunityDrafts {

    public NewsDrafts(Jdbi jdbi, ContentDrafts drafts) {
        this(jdbi, drafts, null);
    }

    /** {@code limits}: the plan's AI drafts per month, checked on each request (null: unlimited). */
    public NewsDrafts(Jdbi jdbi, ContentDrafts drafts, PlanLimits limits) {
        super(jdbi, drafts, ContentDraft.Kind.news, limits);
    }
}
