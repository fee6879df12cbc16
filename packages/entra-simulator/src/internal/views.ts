/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const STYLE = `
  body { font-family: "Segoe UI", system-ui, sans-serif; background: #f2f2f2; margin: 0; color: #1b1b1b; }
  main { max-width: 440px; margin: 10vh auto; background: #fff; padding: 44px; box-shadow: 0 2px 6px rgba(0,0,0,.2); }
  h1 { font-size: 24px; font-weight: 600; margin: 16px 0 12px; }
  .brand { font-size: 13px; color: #5e5e5e; }
  label { display: block; margin: 16px 0 4px; }
  input[type=text] { width: 100%; box-sizing: border-box; font-size: 15px; padding: 6px 0; border: 0; border-bottom: 1px solid #666; }
  .error { color: #e81123; margin: 8px 0; }
  .details { font-size: 12px; color: #5e5e5e; white-space: pre-wrap; word-break: break-all; }
  .actions { display: flex; justify-content: flex-end; gap: 8px; margin-top: 28px; }
  button { min-width: 108px; padding: 6px 12px; font-size: 15px; border: 0; cursor: pointer; }
  button.primary { background: #0067b8; color: #fff; }
  button.secondary { background: #ccc; }
  .hint { font-size: 13px; color: #5e5e5e; margin-top: 24px; }
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<div class="brand">Microsoft Entra ID simulator (development only)</div>
${body}
</main>
</body>
</html>
`;
}

/** Inputs of the sign-in page. */
export interface SignInPageModel {
  action: string;
  requestId: string;
  username: string;
  error?: { message: string; details: string };
  knownUsers: readonly string[];
}

/** Entra's "Sign in" page: one `username` field, Next and Cancel. */
export function renderSignInPage(model: SignInPageModel): string {
  const error = model.error
    ? `<p class="error" role="alert" id="usernameError">${escapeHtml(model.error.message)}</p>
<p class="details">${escapeHtml(model.error.details)}</p>`
    : '';
  return page(
    'Sign in to your account',
    `<h1>Sign in</h1>
<form method="post" action="${escapeHtml(model.action)}" novalidate>
<input type="hidden" name="request_id" value="${escapeHtml(model.requestId)}">
<label for="username">Email, phone, or Skype</label>
<input type="text" id="username" name="username" value="${escapeHtml(model.username)}" autocomplete="username" autofocus required>
${error}
<div class="actions">
<button type="submit" class="secondary" name="action" value="cancel" formnovalidate>Cancel</button>
<button type="submit" class="primary" name="action" value="signin">Next</button>
</div>
</form>
<p class="hint">Users of this simulator: ${model.knownUsers.map(escapeHtml).join(', ')}</p>`,
  );
}

/** The page Entra shows when it cannot send the browser back to the application. */
export function renderErrorPage(description: string): string {
  return page(
    'Sign in to your account',
    `<h1>Sign in</h1>
<p>Sorry, but we're having trouble signing you in.</p>
<p class="details" id="errorDescription">${escapeHtml(description)}</p>`,
  );
}

/** `response_mode=form_post`: an auto-submitting form (OAuth 2.0 Form Post Response Mode). */
export function renderFormPost(target: string, params: Record<string, string>): string {
  const inputs = Object.entries(params)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Working...</title></head>
<body onload="document.forms[0].submit()">
<form method="post" action="${escapeHtml(target)}">
${inputs}
<noscript><button type="submit">Continue</button></noscript>
</form>
</body></html>
`;
}

/** After `end_session_endpoint` when there is nowhere to send the browser. */
export function renderSignedOutPage(): string {
  return page('Signed out', '<h1>You signed out of your account</h1><p>It\'s a good idea to close all browser windows.</p>');
}
