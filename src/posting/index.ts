export {
  getPosting,
  getPostings,
  type PostingInput,
  postingHandlers,
  requestPosting,
  requestReversal,
  settleFilePostings,
  unpostedCents,
} from "./app/posting.ts";
export {
  type Posting,
  type PostingStatus,
  type PublicPostingStatus,
  postingErrors,
  postingTopics,
  postingTransitions,
  publicPostingStatus,
} from "./domain/posting.ts";
