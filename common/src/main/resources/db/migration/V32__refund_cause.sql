-- Why a refund was made when no manager asked for it (issue 21): a card payment completed for a community
-- archived after its checkout opened is refunded automatically (PaymentRefunds.refundIfArchived), through the
-- same row and the same Stripe call as a manager's refund; requested_by stays NULL and cause says why.
ALTER TABLE payment_refunds ADD COLUMN cause text CHECK (cause IN ('community_archived'));
