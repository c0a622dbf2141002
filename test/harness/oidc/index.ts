export { OidcIssuerStandIn, type MintOptions } from './issuer.ts';
