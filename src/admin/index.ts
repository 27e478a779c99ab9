export {
  type AdminCommandName,
  type AdminContext,
  adminCommands,
  type DemoCounty,
  demoAgencyName,
  demoSystemByKind,
  demoSystems,
  ensureDemoAgency,
  isAdminCommand,
  runAdminCommand,
} from "./commands.ts";
export { callControlSocket, serveControlSocket } from "./control-socket.ts";
