export { buildVaultServer } from "./server.ts";
