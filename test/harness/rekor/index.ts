export { RekorLog, type LogEntryAnon } from './log.ts';
export { MerkleTree, leafHash } from './merkle.ts';
export { RekorStandIn, type RekorFault, type RekorStandInOptions } from './server.ts';
export { trustedRoot, type TrustedRootParts } from './trusted-root.ts';
