package com.koomy.news;

import com.koomy.content.CommunityDrafts;
import com.koomy.content.ContentDraft;
import com.koomy.content.ContentDrafts;
import org.jdbi.v3.core.Jdbi;

/** AI drafts of news posts ({@link CommunityDrafts} of kind {@code news}). */
public class NewsDrafts extends CommunityDrafts {

    public NewsDrafts(Jdbi jdbi, ContentDrafts drafts) {
        super(jdbi, drafts, ContentDraft.Kind.news);
    }
}
