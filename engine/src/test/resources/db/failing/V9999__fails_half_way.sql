-- A migration that fails half-way (tests): H2 commits the first statement on its own, then the second fails.
ALTER TABLE trial ADD COLUMN half_way INT;
INSERT INTO no_such_table VALUES (1);
