import { classifyRedirectUri } from './client-registration-policy.ts';

/**
 * What the operator decided about Client ID Metadata Documents (CIMD; MCP AS4, AS5). Host patterns are
 * a host name (`vscode.dev`) or a subdomain wildcard (`*.example.com`, which does not match the apex).
 */
export interface MetadataDocumentPolicy {
  /** Whether https `client_id`s are fetched at all (`client_id_metadata_document_supported`). */
  enabled: boolean;
  /** When not empty, only documents on these hosts are fetched. */
  allowedHosts: readonly string[];
  /** Documents on these hosts are never fetched; wins over `allowedHosts`. */
  deniedHosts: readonly string[];
  /** Publishers shown as verified on the consent page. */
  trustedHosts: readonly string[];
}

/** How a client came to be known; decides what the consent page can vouch for. */
export type ClientProvenance = 'metadata-document' | 'registered' | 'preconfigured';

/**
 * Whether `host` matches `pattern`: the same name, or for `*.example.com` any subdomain of it.
 *
 * @example
 * hostMatches('vscode.dev', 'vscode.dev')               // true
 * hostMatches('insiders.vscode.dev', '*.vscode.dev')   // true
 * hostMatches('vscode.dev', '*.vscode.dev')            // false
 */
export function hostMatches(host: string, pattern: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  const wanted = pattern.toLowerCase().replace(/\.$/, '');
  if (wanted.startsWith('*.')) return name.endsWith(wanted.slice(1)) && name.length > wanted.length - 1;
  return name === wanted;
}

const matchesAny = (host: string, patterns: readonly string[]) => patterns.some((pattern) => hostMatches(host, pattern));

/**
 * Whether the document at `clientId` may be fetched under `policy`: a path, and the host lists of MCP
 * AS5 (the network guard of `@mcp-bridge/outbound-fetch` is separate and always on).
 *
 * @example
 * checkMetadataDocumentUrl('https://evil.example/client.json', { …, deniedHosts: ['evil.example'] })
 * // { allowed: false, reason: 'client metadata documents from evil.example are refused by this server' }
 * checkMetadataDocumentUrl('https://example.com', policy)
 * // { allowed: false, reason: 'a client metadata document URL must have a path, e.g. https://example.com/client.json' }
 */
export function checkMetadataDocumentUrl(
  clientId: string,
  policy: MetadataDocumentPolicy,
): { allowed: true } | { allowed: false; reason: string } {
  const url = URL.parse(clientId);
  if (!url || url.protocol !== 'https:') return { allowed: false, reason: 'a client metadata document must be an https URL' };
  // draft-ietf-oauth-client-id-metadata-document §3: the URL has a path; a bare origin names no document.
  if (url.pathname === '/') return { allowed: false, reason: 'a client metadata document URL must have a path, e.g. https://example.com/client.json' };
  const host = url.hostname;
  if (matchesAny(host, policy.deniedHosts)) {
    return { allowed: false, reason: `client metadata documents from ${host} are refused by this server` };
  }
  if (policy.allowedHosts.length > 0 && !matchesAny(host, policy.allowedHosts)) {
    return { allowed: false, reason: `this server accepts client metadata documents only from ${policy.allowedHosts.join(', ')}` };
  }
  return { allowed: true };
}

/** What the consent page says about a client: who vouches for it and what to watch out for. */
export interface ClientIdentity {
  /** Shown next to the name when a party the operator trusts vouches for it. */
  verifiedBy?: string;
  /** The host whose metadata document described the client (CIMD clients only). */
  publisher?: string;
  warnings: string[];
}

/**
 * The consent page's view of a client (MCP AS5): CIMD clients from a trusted host are verified by that
 * host, pre-configured clients by the operator; dynamically registered clients chose their own name.
 * A loopback or app-scheme redirect is flagged because any program on the device could receive it.
 *
 * @example
 * describeClientIdentity({ clientId: 'https://vscode.dev/oauth/client-metadata.json', provenance: 'metadata-document',
 *   redirectUri: 'https://vscode.dev/redirect' }, ['vscode.dev'])
 * // { verifiedBy: 'vscode.dev', publisher: 'vscode.dev', warnings: [] }
 */
export function describeClientIdentity(
  client: { clientId: string; provenance: ClientProvenance; redirectUri: string; redirectUris?: readonly string[] },
  trustedHosts: readonly string[],
): ClientIdentity {
  const warnings: string[] = [];
  const identity: ClientIdentity = { warnings };

  if (client.provenance === 'metadata-document') {
    const host = new URL(client.clientId).hostname;
    identity.publisher = host;
    if (matchesAny(host, trustedHosts)) identity.verifiedBy = host;
    else warnings.push(`This application is described by ${host}, a publisher this service does not recognise. Continue only if you expected an application from ${host}.`);
    const localOnly = (client.redirectUris ?? []).length > 0 && (client.redirectUris ?? []).every((uri) => kindOf(uri) === 'loopback');
    if (localOnly) {
      warnings.push(`${host} lets this application receive sign-ins only on this computer (localhost), so any program running here could use its name. Continue only if you just started it yourself.`);
      return identity;
    }
  } else if (client.provenance === 'preconfigured') {
    identity.verifiedBy = 'your administrator';
  } else {
    warnings.push('This application registered itself with this service; its name has not been verified.');
  }

  const kind = kindOf(client.redirectUri);
  if (kind === 'loopback') {
    warnings.push('This application runs on your computer: you will be sent back to a local address. Only continue if you just started it yourself.');
  } else if (kind === 'custom-scheme') {
    warnings.push(`You will be sent back to an app on this device that handles ${new URL(client.redirectUri).protocol}// links.`);
  }
  return identity;
}

function kindOf(uri: string) {
  const verdict = classifyRedirectUri(uri);
  return 'kind' in verdict ? verdict.kind : undefined;
}

/** Longest client name shown; longer names are cut (they are chosen by whoever registers). */
export const CLIENT_NAME_MAX_LENGTH = 80;

// C0/C1 controls, zero-width and bidirectional formatting characters (a name could reorder the page's
// text around it), and check marks that imitate the verified badge.
const MISLEADING_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u2713\u2714\u2705\u2611]/gu;

/**
 * A client-chosen name as the consent page shows it: without invisible, reordering or badge-like
 * characters, whitespace collapsed, at most {@link CLIENT_NAME_MAX_LENGTH} characters (MCP AS5: the
 * name is the client's claim, not ours). HTML escaping is the template's job.
 *
 * @example
 * displayClientName('Visual Studio Code \u2713 verified') // 'Visual Studio Code verified'
 * displayClientName(undefined)                         // undefined
 */
export function displayClientName(name: string | undefined): string | undefined {
  if (typeof name !== 'string') return undefined;
  const cleaned = name.replace(/\s+/gu, ' ').replace(MISLEADING_CHARACTERS, '').replace(/ {2,}/gu, ' ').trim();
  if (!cleaned) return undefined;
  const characters = [...cleaned];
  return characters.length > CLIENT_NAME_MAX_LENGTH ? `${characters.slice(0, CLIENT_NAME_MAX_LENGTH - 1).join('')}…` : cleaned;
}
