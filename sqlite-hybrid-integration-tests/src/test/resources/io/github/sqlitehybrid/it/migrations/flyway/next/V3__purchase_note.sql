ALTER TABLE purchase ADD COLUMN note TEXT;

CREATE INDEX purchase_customer ON purchase (customer_id);
