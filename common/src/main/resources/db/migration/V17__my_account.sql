-- Members' own account (issue 21): changing one's email address and exporting one's data.

-- A change of email is a one-time token like the others, sent to the new address; the address it
-- confirms travels with it (the change applies only when the token is used).
ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_purpose_check;
ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_purpose_check
    CHECK (purpose IN ('password_reset', 'email_verification', 'email_change'));
ALTER TABLE account_tokens ADD COLUMN new_email text CHECK (new_email = lower(new_email));
ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_email_change_check
    CHECK ((purpose = 'email_change') = (new_email IS NOT NULL));
