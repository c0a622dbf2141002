export { FulcioCa } from './ca.ts';
export { FulcioStandIn, type FulcioFault, type FulcioStandInOptions } from './server.ts';
