export { embeddedDatabaseDir, type Hub, type HubOptions, openHubDatabase, startHub, workerJobs } from "./hub.ts";
