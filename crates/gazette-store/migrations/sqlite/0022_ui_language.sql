-- The language each person reads the newsroom in (an ISO 639 code with locale files, chosen on
-- "Your account"). Everyone starts in English; the sign-in page, before anyone is known, follows
-- the browser's Accept-Language instead.
ALTER TABLE users ADD COLUMN ui_language TEXT NOT NULL DEFAULT 'en';
