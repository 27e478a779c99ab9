/**
 * The streaming reader: text or bytes in any pieces → file header, batch starts, entries, batch
 * ends, file control and problems, in file order, one entry in memory at a time. It reports what
 * is wrong with a file; it throws only `nacha_input_unreadable`, when the input itself fails or is
 * not text or bytes.
 */
import { RemitError } from "../../platform/index.ts";
import { Assembler, type NachaEvent } from "./assemble.ts";
import { type NachaProblem, nachaError } from "./errors.ts";
import { ByteDecoder, RecordSplitter } from "./split.ts";
import type { Batch, NachaFile } from "./types.ts";

/** A whole file as text or bytes, or its pieces (a Node stream, a file handle's chunks, …). */
export type NachaInput = string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

/** Input handed in whole is read in pieces of this size, so events flow (and memory stays low) for big files too. */
const pieceSize = 1 << 16;

function* piecesOf<T extends string | Uint8Array>(whole: T): Generator<T> {
  for (let at = 0; at < whole.length; at += pieceSize) yield whole.slice(at, at + pieceSize) as T;
}

async function* chunksOf(input: NachaInput): AsyncGenerator<string | Uint8Array> {
  if (typeof input === "string" || input instanceof Uint8Array) {
    yield* piecesOf(input);
    return;
  }
  if (input === null || typeof input !== "object" || !(Symbol.asyncIterator in input || Symbol.iterator in input)) {
    throw nachaError("nacha_input_unreadable", "the input must be text, bytes, or an iterable of text or bytes");
  }
  try {
    for await (const chunk of input) yield chunk;
  } catch (error) {
    if (error instanceof RemitError) throw error;
    throw nachaError("nacha_input_unreadable", `the input failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Feeds the input through the splitter and assembler to `emit`, pausing after each chunk. */
async function* pump(input: NachaInput, emit: (event: NachaEvent) => void): AsyncGenerator<void> {
  const assembler = new Assembler(emit);
  const splitter = new RecordSplitter(assembler);
  const bytes = new ByteDecoder();
  for await (const chunk of chunksOf(input)) {
    if (typeof chunk === "string") splitter.push(chunk);
    else if (chunk instanceof Uint8Array) splitter.push(bytes.decode(chunk));
    else throw nachaError("nacha_input_unreadable", `the input yielded a ${typeof chunk}, not text or bytes`);
    yield;
  }
  splitter.push(bytes.end());
  splitter.end();
  assembler.end();
}

/**
 * Reads a NACHA file as it comes: the file header, each batch's start, entries (with their
 * addenda) and end, the file control, and every problem found while reading (the validator finds
 * the rest). Memory holds one entry and one input chunk, however big the file or its batches.
 */
export async function* readNacha(input: NachaInput): AsyncGenerator<NachaEvent> {
  const events: NachaEvent[] = [];
  for await (const _ of pump(input, (event) => events.push(event))) {
    yield* events;
    events.length = 0;
  }
  yield* events;
}

/** The same events as `readNacha`, handed to a callback: no promise per event, for speed. */
export async function readNachaWith(input: NachaInput, onEvent: (event: NachaEvent) => void): Promise<void> {
  for await (const _ of pump(input, onEvent));
}

/** Reads a whole NACHA file into its structure, with the problems found while reading. */
export async function parseNacha(input: NachaInput): Promise<NachaFile> {
  const problems: NachaProblem[] = [];
  const file: NachaFile = { header: null, batches: [], control: null, problems };
  let batch: Batch | undefined;
  await readNachaWith(input, (event) => {
    switch (event.kind) {
      case "file_header":
        file.header = event.header;
        break;
      case "batch_start":
        batch = { header: event.header, entries: [], control: null };
        file.batches.push(batch);
        break;
      case "entry":
        batch?.entries.push(event.entry);
        break;
      case "batch_end":
        if (batch) batch.control = event.control;
        break;
      case "file_control":
        file.control = event.control;
        break;
      case "problem":
        problems.push(event.problem);
        break;
    }
  });
  return file;
}
