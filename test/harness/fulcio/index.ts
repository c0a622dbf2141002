export { FulcioCa, type LeafRequest, type SctMode } from './ca.ts';
export { CT_POISON_OID, CtLogStandIn, SCT_LIST_OID } from './ct-log.ts';
export { FulcioStandIn, type FulcioFault, type FulcioStandInOptions } from './server.ts';
