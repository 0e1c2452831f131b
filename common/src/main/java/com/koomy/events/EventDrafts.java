package com.koomy.events;

import com.koomy.billing.PlanLimits;
import com.koomy.content.CommunityDrafts;
import com.koomy.content.ContentDraft;
import com.koomy.content.ContentDrafts;
import org.jdbi.v3.core.Jdbi;

/** AI drafts of event descriptions ({@link CommunityDrafts} of kind {@code event}), as for news. */
public class EventDrafts extends CommunityDrafts {

    /** {@code limits}: the plan's AI drafts per month, shared with news drafts (null: unlimited). */
    public EventDrafts(Jdbi jdbi, ContentDrafts drafts, PlanLimits limits) {
        super(jdbi, drafts, ContentDraft.Kind.event, limits);
    }
}
