import { Type } from "typebox";
import type { HttpServer } from "../../src/platform/index.ts";
import { sorError } from "../errors.ts";
import { billsCsv, billsFixedWidth, type PostingRowError, parsePostingCsv } from "../files.ts";
import { AsOfQuery, PostingReportSchema, ProblemSchema } from "../schemas.ts";
import { exportBills, findAccountKind, loadCounty, postPayment } from "../store.ts";
import { asOfDate, type RouteDeps } from "./accounts.ts";

/** Bill files out (CSV and fixed width) and posting files in, for systems that trade files. */
export function fileRoutes(app: HttpServer, deps: RouteDeps): void {
  const tags = ["files"];
  const query = Type.Intersect([
    AsOfQuery,
    Type.Object({ kind: Type.Union([Type.Literal("utility"), Type.Literal("parcel")], { description: "Which accounts to list" }) }),
  ]);

  app.get(
    "/v1/exports/bills.csv",
    {
      schema: {
        tags,
        summary: "Bill file, CSV: one row per account that owes money on as_of",
        description:
          "Columns: ref, name, address, amount_due_cents, past_due_cents, due_date, bill_date, status. See reference-sor/README.md.",
        querystring: query,
        produces: ["text/csv"],
        response: { 200: Type.String({ description: "text/csv; charset=utf-8" }), 400: ProblemSchema, 503: ProblemSchema },
      },
    },
    async (request, reply) => {
      const asOf = asOfDate(request.query.as_of, deps.today);
      const rows = await exportBills(deps.db, request.query.kind, asOf);
      reply.type("text/csv; charset=utf-8").header("content-disposition", `attachment; filename="bills-${request.query.kind}-${asOf}.csv"`);
      return billsCsv(rows);
    },
  );

  app.get(
    "/v1/exports/bills.txt",
    {
      schema: {
        tags,
        summary: "Bill file, fixed width: 120-byte records, header, details, trailer with count and total",
        description: "Amounts are whole cents, zero-filled (implied two decimals). See reference-sor/README.md for the layout.",
        querystring: query,
        produces: ["text/plain"],
        response: { 200: Type.String({ description: "text/plain; charset=us-ascii" }), 400: ProblemSchema, 503: ProblemSchema },
      },
    },
    async (request, reply) => {
      const asOf = asOfDate(request.query.as_of, deps.today);
      const [rows, county] = await Promise.all([exportBills(deps.db, request.query.kind, asOf), loadCounty(deps.db)]);
      reply
        .type("text/plain; charset=us-ascii")
        .header("content-disposition", `attachment; filename="bills-${request.query.kind}-${asOf}.txt"`);
      return billsFixedWidth(rows, { countyName: county.name, kind: request.query.kind, asOf });
    },
  );

  app.addContentTypeParser(["text/csv", "text/plain"], { parseAs: "string", bodyLimit: 16 * 1_048_576 }, (_request, body, done) =>
    done(null, body),
  );

  app.post(
    "/v1/imports/postings",
    {
      bodyLimit: 16 * 1_048_576,
      schema: {
        tags,
        summary: "Apply a posting file (CSV: payment_id, ref, amount_cents, paid_at, method)",
        description:
          "Each row is applied like POST /v1/payments, in its own transaction: idempotent by payment_id, the account's kind taken from its ref. A bad row is reported and never blocks the good ones.",
        consumes: ["text/csv"],
        body: Type.String({ description: "The posting file, text/csv" }),
        response: { 200: PostingReportSchema, 400: ProblemSchema, 503: ProblemSchema },
      },
    },
    async (request) => {
      const file = parsePostingCsv(request.body);
      if (!file.ok) throw sorError("invalid_posting_file", file.detail);
      const rejected: PostingRowError[] = [...file.errors];
      const receipts: { line: number; payment_id: string; receipt_number: string }[] = [];
      let accepted = 0;
      let duplicates = 0;
      for (const row of file.rows) {
        const kind = await findAccountKind(deps.db, row.ref);
        if (!kind) {
          rejected.push({ line: row.line, code: "account_not_found", detail: `No account ${row.ref}` });
          continue;
        }
        try {
          const result = await postPayment(
            deps.db,
            { paymentId: row.paymentId, kind, ref: row.ref, amountCents: row.amountCents, paidAt: row.paidAt, method: row.method },
            "posting_file",
          );
          if (result.outcome === "created") accepted++;
          else duplicates++;
          receipts.push({ line: row.line, payment_id: row.paymentId, receipt_number: result.payment.receiptNumber });
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code !== "payment_id_reused" && code !== "account_not_found") throw error;
          rejected.push({ line: row.line, code, detail: (error as Error).message });
        }
      }
      rejected.sort((a, b) => a.line - b.line);
      return { accepted, duplicates, rejected, receipts };
    },
  );
}
