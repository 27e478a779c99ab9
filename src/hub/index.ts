export { embeddedDatabaseDir, type Hub, type HubOptions, openHubDatabase, startHub } from "./hub.ts";
