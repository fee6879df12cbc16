import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkMetadataDocumentUrl, describeClientIdentity, displayClientName, hostMatches, type MetadataDocumentPolicy } from '../src/client-trust.ts';

const open: MetadataDocumentPolicy = { enabled: true, allowedHosts: [], deniedHosts: [], trustedHosts: [] };

describe('metadata document host lists (MCP AS5)', () => {
  it('matches a host exactly, or subdomains for a *. pattern but not the apex', () => {
    assert.equal(hostMatches('vscode.dev', 'vscode.dev'), true);
    assert.equal(hostMatches('VSCode.dev.', 'vscode.dev'), true);
    assert.equal(hostMatches('insiders.vscode.dev', '*.vscode.dev'), true);
    assert.equal(hostMatches('vscode.dev', '*.vscode.dev'), false);
    assert.equal(hostMatches('evilvscode.dev', '*.vscode.dev'), false);
    assert.equal(hostMatches('vscode.dev.evil.example', 'vscode.dev'), false);
  });

  it('accepts any https host when no list is set', () => {
    assert.deepEqual(checkMetadataDocumentUrl('https://zed.dev/oauth/client-metadata.json', open), { allowed: true });
  });

  it('refuses hosts outside the allow-list, naming the accepted ones', () => {
    const policy = { ...open, allowedHosts: ['vscode.dev', 'claude.ai'] };
    assert.deepEqual(checkMetadataDocumentUrl('https://claude.ai/oauth/claude-code-client-metadata', policy), { allowed: true });
    assert.deepEqual(checkMetadataDocumentUrl('https://zed.dev/oauth/client-metadata.json', policy), {
      allowed: false,
      reason: 'this server accepts client metadata documents only from vscode.dev, claude.ai',
    });
  });

  it('lets the deny-list win over the allow-list', () => {
    const policy = { ...open, allowedHosts: ['*.example.com'], deniedHosts: ['evil.example.com'] };
    assert.deepEqual(checkMetadataDocumentUrl('https://evil.example.com/client.json', policy), {
      allowed: false,
      reason: 'client metadata documents from evil.example.com are refused by this server',
    });
    assert.deepEqual(checkMetadataDocumentUrl('https://good.example.com/client.json', policy), { allowed: true });
  });

  it('refuses anything but https', () => {
    assert.equal(checkMetadataDocumentUrl('http://vscode.dev/client.json', open).allowed, false);
  });

  it('refuses a URL without a path (A28): a bare origin names no document', () => {
    for (const url of ['https://agents.example', 'https://agents.example/']) {
      assert.deepEqual(checkMetadataDocumentUrl(url, open), {
        allowed: false,
        reason: 'a client metadata document URL must have a path, e.g. https://example.com/client.json',
      });
    }
  });
});

describe('client identity on the consent page (MCP AS5)', () => {
  it('shows a CIMD client from a trusted host as verified by that host, with no warning for an https redirect', () => {
    const identity = describeClientIdentity(
      {
        clientId: 'https://vscode.dev/oauth/client-metadata.json',
        provenance: 'metadata-document',
        redirectUri: 'https://vscode.dev/redirect',
        redirectUris: ['http://127.0.0.1:33418/', 'https://vscode.dev/redirect'],
      },
      ['vscode.dev'],
    );
    assert.deepEqual(identity, { verifiedBy: 'vscode.dev', publisher: 'vscode.dev', warnings: [] });
  });

  it('warns about a CIMD client from an unknown host', () => {
    const identity = describeClientIdentity(
      { clientId: 'https://tools.example.net/mcp.json', provenance: 'metadata-document', redirectUri: 'https://tools.example.net/cb', redirectUris: ['https://tools.example.net/cb'] },
      ['vscode.dev'],
    );
    assert.equal(identity.verifiedBy, undefined);
    assert.equal(identity.publisher, 'tools.example.net');
    assert.match(identity.warnings[0]!, /tools\.example\.net, a publisher this service does not recognise/);
  });

  it('warns that a localhost-only document can be used by any local program, even from a trusted host', () => {
    const identity = describeClientIdentity(
      {
        clientId: 'https://claude.ai/oauth/claude-code-client-metadata',
        provenance: 'metadata-document',
        redirectUri: 'http://localhost:3118/callback',
        redirectUris: ['http://localhost/callback', 'http://127.0.0.1/callback'],
      },
      ['claude.ai'],
    );
    assert.equal(identity.verifiedBy, 'claude.ai');
    assert.equal(identity.warnings.length, 1);
    assert.match(identity.warnings[0]!, /only on this computer \(localhost\), so any program running here could use its name/);
  });

  it('flags a dynamically registered client’s name as unverified and explains a loopback redirect', () => {
    const identity = describeClientIdentity({ clientId: 'abc', provenance: 'registered', redirectUri: 'http://127.0.0.1:33418/' }, []);
    assert.deepEqual(identity.warnings.length, 2);
    assert.equal(identity.warnings[0], 'This application registered itself with this service; its name has not been verified.');
    assert.match(identity.warnings[1]!, /runs on your computer/);
  });

  it('names the scheme of a private-use redirect', () => {
    const identity = describeClientIdentity({ clientId: 'abc', provenance: 'registered', redirectUri: 'cursor://anysphere.cursor-mcp/oauth/callback' }, []);
    assert.match(identity.warnings.at(-1)!, /handles cursor:\/\/ links/);
  });

  it('vouches for a pre-configured client by the administrator', () => {
    const identity = describeClientIdentity({ clientId: 'vscode-corp', provenance: 'preconfigured', redirectUri: 'https://vscode.dev/redirect' }, []);
    assert.deepEqual(identity, { verifiedBy: 'your administrator', warnings: [] });
  });
});

describe('client names on the consent page (MCP AS5)', () => {
  it('drops controls, bidi overrides, zero-width characters and badge-like check marks', () => {
    assert.equal(displayClientName('Visual Studio Code \u2713 verified by vscode.dev'), 'Visual Studio Code verified by vscode.dev');
    assert.equal(displayClientName('Evil\u202eedoC\u202c'), 'EviledoC');
    assert.equal(displayClientName('A\u200bB\u0007C\n\tD'), 'ABC D');
  });

  it('cuts long names and treats empty ones as missing', () => {
    const long = displayClientName('x'.repeat(500))!;
    assert.equal([...long].length, 80);
    assert.ok(long.endsWith('…'));
    assert.equal(displayClientName(' \u200b '), undefined);
    assert.equal(displayClientName(undefined), undefined);
    assert.equal(displayClientName('MCP CLI Proxy'), 'MCP CLI Proxy');
  });
});
