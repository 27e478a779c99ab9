#!/usr/bin/env node
// Remit runs TypeScript natively, which needs Node 24. The project installs it (the `node`
// development dependency), and npm scripts and `npx remit` put it first on PATH.
const major = Number(process.versions.node.split(".")[0]);
if (major < 24) {
  process.stderr.write(`remit needs Node.js 24 or later, and this is ${process.version}: run it as "npx remit" or through "npm start".\n`);
  process.exit(1);
}
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
