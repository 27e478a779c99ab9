/**
 * The ledger's invariants as queries: each returns the rows that break it, at most `$1` of them.
 * `remit ledger verify` runs them all and recomputes every balance from the transfers alone.
 */
export const invariantQueries: ReadonlyArray<{ code: string; description: string; sql: string }> = [
  {
    code: "unbalanced_transfer",
    description: "Within each transfer and layer, debits equal credits",
    sql: `SELECT agency_id, transfer_id AS ref, layer AS detail FROM ledger_entries
           GROUP BY agency_id, transfer_id, layer
          HAVING sum(CASE side WHEN 'debit' THEN amount_cents ELSE -amount_cents END) <> 0
           LIMIT $1`,
  },
  {
    code: "unbalanced_agency",
    description: "Across each agency and layer, debits equal credits",
    sql: `SELECT agency_id, layer AS ref, '' AS detail FROM ledger_entries
           GROUP BY agency_id, layer
          HAVING sum(CASE side WHEN 'debit' THEN amount_cents ELSE -amount_cents END) <> 0
           LIMIT $1`,
  },
  {
    code: "transfer_entries_mismatch",
    description: "Each transfer has exactly the entries its kind and amount call for",
    sql: `WITH expected AS (
            SELECT t.agency_id, t.id AS transfer_id, x.account_id, x.side, x.layer, x.amount_cents
              FROM ledger_transfers t
              LEFT JOIN ledger_transfers p ON p.agency_id = t.agency_id AND p.id = t.pending_id
             CROSS JOIN LATERAL (VALUES
               (t.debit_account_id, 'debit', 'posted', CASE WHEN t.kind IN ('posted', 'post_pending') THEN t.amount_cents END),
               (t.credit_account_id, 'credit', 'posted', CASE WHEN t.kind IN ('posted', 'post_pending') THEN t.amount_cents END),
               (t.debit_account_id, 'debit', 'pending', CASE WHEN t.kind = 'pending' THEN t.amount_cents
                                                              WHEN t.kind IN ('post_pending', 'void_pending') THEN -p.amount_cents END),
               (t.credit_account_id, 'credit', 'pending', CASE WHEN t.kind = 'pending' THEN t.amount_cents
                                                              WHEN t.kind IN ('post_pending', 'void_pending') THEN -p.amount_cents END)
             ) AS x (account_id, side, layer, amount_cents)
             WHERE x.amount_cents IS NOT NULL
          ), actual AS (
            SELECT agency_id, transfer_id, account_id, side, layer, sum(amount_cents) AS amount_cents, count(*) AS n
              FROM ledger_entries GROUP BY agency_id, transfer_id, account_id, side, layer
          )
          SELECT coalesce(e.agency_id, a.agency_id) AS agency_id, coalesce(e.transfer_id, a.transfer_id) AS ref,
                 coalesce(e.layer, a.layer) || ' ' || coalesce(e.side, a.side) AS detail
            FROM expected e FULL JOIN actual a
              ON a.agency_id = e.agency_id AND a.transfer_id = e.transfer_id AND a.account_id = e.account_id
             AND a.side = e.side AND a.layer = e.layer
           WHERE e.amount_cents IS DISTINCT FROM a.amount_cents OR a.n <> 1
           LIMIT $1`,
  },
  {
    code: "invalid_resolution",
    description: "A post or void resolves a pending transfer on the same accounts, after it, for no more than it reserved",
    sql: `SELECT r.agency_id, r.id AS ref, r.kind AS detail
            FROM ledger_transfers r
            JOIN ledger_transfers p ON p.agency_id = r.agency_id AND p.id = r.pending_id
           WHERE p.kind <> 'pending'
              OR p.debit_account_id <> r.debit_account_id OR p.credit_account_id <> r.credit_account_id
              OR r.amount_cents > p.amount_cents
              OR (r.kind = 'void_pending' AND r.amount_cents <> p.amount_cents)
              OR r.created_at < p.created_at
           LIMIT $1`,
  },
  {
    code: "negative_pending",
    description: "No account has released more than was reserved on it",
    sql: `SELECT agency_id, account_id AS ref, side AS detail FROM ledger_entries
           WHERE layer = 'pending'
           GROUP BY agency_id, account_id, side
          HAVING sum(amount_cents) < 0
           LIMIT $1`,
  },
  {
    code: "balance_mismatch",
    description: "Every account's four balances, summed from its entries, equal those recomputed from transfers alone",
    sql: `WITH from_transfers AS (
            SELECT t.agency_id, x.account_id, x.side, x.layer, sum(t.amount_cents) AS amount_cents
              FROM ledger_transfers t
             CROSS JOIN LATERAL (VALUES (t.debit_account_id, 'debit'), (t.credit_account_id, 'credit')) AS s (account_id, side)
             CROSS JOIN LATERAL (SELECT s.account_id, s.side,
                                        CASE WHEN t.kind = 'pending' THEN 'pending' ELSE 'posted' END AS layer) AS x
             WHERE t.kind IN ('posted', 'post_pending')
                OR (t.kind = 'pending' AND NOT EXISTS (
                      SELECT 1 FROM ledger_transfers r WHERE r.agency_id = t.agency_id AND r.pending_id = t.id))
             GROUP BY t.agency_id, x.account_id, x.side, x.layer
          ), from_entries AS (
            SELECT agency_id, account_id, side, layer, sum(amount_cents) AS amount_cents
              FROM ledger_entries GROUP BY agency_id, account_id, side, layer
          )
          SELECT coalesce(t.agency_id, e.agency_id) AS agency_id, coalesce(t.account_id, e.account_id) AS ref,
                 coalesce(t.layer, e.layer) || ' ' || coalesce(t.side, e.side) AS detail
            FROM from_transfers t FULL JOIN from_entries e
              ON e.agency_id = t.agency_id AND e.account_id = t.account_id AND e.side = t.side AND e.layer = t.layer
           WHERE coalesce(t.amount_cents, 0) <> coalesce(e.amount_cents, 0)
           LIMIT $1`,
  },
];
