-- Orchard history, version 6: a random key per experiment, part of its log and checkpoint folder names
-- (<data>/logs/<id>-<folder_key>), so two databases in one folder, or a database made again, never share a folder.
-- Experiments stored before this version keep their folders (<data>/logs/<id>): their key stays NULL.
ALTER TABLE experiment ADD COLUMN folder_key VARCHAR(16);
