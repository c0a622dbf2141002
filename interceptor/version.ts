import { PACKAGE_VERSION } from '../signer/package-version.ts';

/** The interceptor's identity in every record: name and the package version. */
export const INTERCEPTOR_NAME = 'tekton-provenance-interceptor';

export const INTERCEPTOR_VERSION: string = PACKAGE_VERSION;
