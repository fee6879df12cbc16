export { createEntraUpstream, type EntraUpstreamOptions } from './create-entra-upstream.ts';
export { describeUpstreamError, type UpstreamErrorParams } from './describe-upstream-error.ts';
