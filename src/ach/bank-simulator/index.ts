/** The embedded bank: reads Remit's outbound NACHA files and answers with returns and NOCs for the test accounts. */
export { answerDateOf, answerFile, countAnswers, outcomeOf, type TestAccountOutcome } from "./answers.ts";
export { type BankSimulatorDeps, runBankSimulator } from "./simulator.ts";
