-- The embedded bank simulator's own books: which NACHA files it has read from Remit's outbound
-- folder, and when it answers them. It stands for a bank outside Remit, so it keeps no foreign
-- key to Remit's tables, and no account number: the answer is rebuilt from the file itself.

CREATE TABLE bank_sim_files (
  -- The outbound folder's subfolder the file was found in: the agency's id.
  folder text NOT NULL,
  file_name text NOT NULL,
  -- The banking day it answers on (its entries' settlement date); null when nothing needs an answer.
  answer_on date,
  -- The return/NOC file written to the inbound folder, once written.
  answer_file_name text,
  entries integer NOT NULL CHECK (entries >= 0),
  returns integer NOT NULL CHECK (returns >= 0),
  notices integer NOT NULL CHECK (notices >= 0),
  -- Why the bank would not take the file, when it would not (an invalid file): it answers nothing.
  rejected_reason text,
  read_at timestamptz NOT NULL,
  answered_at timestamptz,
  PRIMARY KEY (folder, file_name)
);

CREATE INDEX bank_sim_files_due ON bank_sim_files (answer_on) WHERE answer_on IS NOT NULL AND answered_at IS NULL;
