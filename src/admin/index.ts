export { type AdminCommandName, adminCommands, demoAgencyName, ensureDemoAgency, isAdminCommand, runAdminCommand } from "./commands.ts";
export { callControlSocket, serveControlSocket } from "./control-socket.ts";
