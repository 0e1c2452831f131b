-- AI drafts (news posts, event descriptions) asked of OpenAI by a background job. The result is
-- untrusted text from a provider: stored as plain text/Markdown, escaped wherever it is shown,
-- never executed and never used as a URL to fetch.
CREATE TABLE content_drafts (
    id                uuid        PRIMARY KEY,
    -- The foreign key to communities comes with the communities issue (no such table yet).
    community_id      uuid        NOT NULL,
    kind              text        NOT NULL CHECK (kind IN ('news', 'event')),
    language          text        NOT NULL CHECK (language IN ('fr', 'en')),
    brief             text        NOT NULL CHECK (char_length(brief) BETWEEN 1 AND 2000),
    status            text        NOT NULL DEFAULT 'queued'
                      CHECK (status IN ('queued', 'running', 'done', 'failed')),
    result_text       text,
    model             text,
    prompt_tokens     integer,
    completion_tokens integer,
    total_tokens      integer,
    -- Duration of the last provider call, in milliseconds.
    duration_ms       integer,
    attempts          integer     NOT NULL DEFAULT 0,
    last_error        text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    -- When the current (or last) attempt started: a 'running' draft whose attempt is older than the
    -- lease was abandoned by a dead worker and may be claimed again.
    started_at        timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    finished_at       timestamptz
);

CREATE INDEX content_drafts_community_created_idx ON content_drafts (community_id, created_at DESC);
CREATE INDEX content_drafts_status_idx ON content_drafts (status, created_at) WHERE status IN ('queued', 'running', 'failed');

-- Provider calls per community and UTC day, for the daily budget. A request is reserved (requests + 1)
-- by one INSERT ... ON CONFLICT DO UPDATE ... WHERE under budget, which locks the row, so two workers
-- can never both pass the check; the tokens the provider reports are added after the call.
CREATE TABLE content_budget_usage (
    community_id uuid    NOT NULL,
    day          date    NOT NULL,
    requests     integer NOT NULL DEFAULT 0,
    tokens       bigint  NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, day)
);
