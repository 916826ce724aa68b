// `npm start`: the production server (after `npm run build`).
import { env } from "../app/env.server";
import { startAppServer } from "./app-server";

env(); // fail at boot, with the list of what is missing, rather than on the first request
const server = await startAppServer({ port: Number(process.env.PORT || 3000) });
console.log(`SMS consent app listening on ${server.url}`);
