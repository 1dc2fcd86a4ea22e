// Test identity provider for the AQB-Dashboard browser tests (issue 17): a real OpenID Connect provider
// built on the certified `oidc-provider` package, with the test users of users.json.
//
// THIS IS A TEST PROVIDER. Its client secret, cookie keys and passwords are fixed, published test values,
// its signing key is made anew at every start, and it keeps everything in memory. Never use it for real logins.
//
// Environment:
//   AQB_IDP_PORT            port on 127.0.0.1 (default 9400); the issuer is http://127.0.0.1:<port>
//   AQB_IDP_ID_TOKEN_TTL    lifetime of ID tokens in seconds (default 3600); a test sets e.g. 20 to let one expire
//   AQB_IDP_CLIENT_SECRET   secret of the client `aqb-dashboard` (default: the fixed test secret below)
//   AQB_IDP_CLIENT_AUTH     how the client authenticates at the token endpoint: client_secret_basic (default,
//                           what st.login/Authlib uses) or client_secret_post

import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider, { interactionPolicy } from 'oidc-provider';

const PORT = Number.parseInt(process.env.AQB_IDP_PORT || '9400', 10);
const ISSUER = `http://127.0.0.1:${PORT}`;
const ID_TOKEN_TTL = Number.parseInt(process.env.AQB_IDP_ID_TOKEN_TTL || '3600', 10);
// Fixed test secret, published in idp/README.md: this provider only ever runs on a test machine.
const CLIENT_SECRET = process.env.AQB_IDP_CLIENT_SECRET || 'aqb-test-secret-not-for-production';
const CLIENT_AUTH = process.env.AQB_IDP_CLIENT_AUTH || 'client_secret_basic';
const CLIENT_ID = 'aqb-dashboard';

if (!Number.isInteger(PORT) || PORT < 1 || PORT > 65535) throw new Error(`AQB_IDP_PORT invalid: ${process.env.AQB_IDP_PORT}`);
if (!Number.isInteger(ID_TOKEN_TTL) || ID_TOKEN_TTL < 1) {
  throw new Error(`AQB_IDP_ID_TOKEN_TTL invalid: ${process.env.AQB_IDP_ID_TOKEN_TTL}`);
}
if (!['client_secret_basic', 'client_secret_post'].includes(CLIENT_AUTH)) {
  throw new Error(`AQB_IDP_CLIENT_AUTH invalid: ${CLIENT_AUTH}`);
}

const { users: USERS } = JSON.parse(readFileSync(new URL('./users.json', import.meta.url), 'utf8'));

// The dashboard runs on 8501 (./start.sh) and the browser tests on 8510-8519, reached as localhost or 127.0.0.1.
const ORIGINS = [];
for (const host of ['localhost', '127.0.0.1']) {
  for (const port of [8501, ...Array.from({ length: 10 }, (_, i) => 8510 + i)]) ORIGINS.push(`http://${host}:${port}`);
}

// The user's claims. `groups` and `ags` belong to the `openid` scope, so every login delivers them;
// a user without groups gets no `groups` claim at all (as many providers do), a user without district no `ags`.
function claimsOf(username) {
  const user = USERS[username];
  return {
    sub: username,
    name: user.name,
    preferred_username: username,
    email: user.email,
    email_verified: true,
    ...(user.groups.length ? { groups: user.groups } : {}),
    ...(user.ags ? { ags: user.ags } : {}),
  };
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:sans-serif;max-width:22rem;margin:3rem auto}label,input,button{display:block;width:100%;margin:.3rem 0}
input,button{padding:.4rem;box-sizing:border-box}.error{color:#b00020}.note{color:#555;font-size:.85rem}</style>
</head><body>${body}</body></html>`;
}

// Signing key: made anew at every start (tokens of an earlier run are void, as they should be in tests).
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };

// Streamlit's st.login asks for prompt=select_account; the provider knows only login and consent by default.
// A requestable `select_account` prompt makes that request valid; it is resolved at once with the current session
// (see /interaction below), so a user signed in at the provider is not asked again.
const policy = interactionPolicy.base();
policy.add(new interactionPolicy.Prompt({ name: 'select_account', requestable: true }), 1);

const configuration = {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      client_name: 'AQB-Dashboard (test)',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: CLIENT_AUTH,
      id_token_signed_response_alg: 'RS256',
      redirect_uris: ORIGINS.map((origin) => `${origin}/oauth2callback`),
      // `/` as asked, and /oauth2callback because st.logout sends the configured redirect_uri as
      // post_logout_redirect_uri.
      post_logout_redirect_uris: ORIGINS.flatMap((origin) => [`${origin}/`, `${origin}/oauth2callback`]),
    },
  ],
  clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
  responseTypes: ['code'],
  pkce: { required: () => true }, // S256 only (the only method oidc-provider 9 offers), as st.login/Authlib sends it
  scopes: ['openid', 'profile', 'email'],
  claims: {
    openid: ['sub', 'groups', 'ags'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
  },
  // st.login reads only the ID token (it does not call the userinfo endpoint), so the ID token carries every
  // granted claim, not only `sub`.
  conformIdTokenClaims: false,
  jwks: { keys: [signingKey] },
  // Non-standard discovery field, so a test can tell whether a running provider has the token lifetime it needs.
  discovery: { aqb_test_id_token_ttl: ID_TOKEN_TTL },
  cookies: { keys: ['aqb-test-idp-cookie-key-not-for-production'] },
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 60,
    IdToken: ID_TOKEN_TTL,
    Interaction: 600,
    Session: 8 * 3600,
    Grant: 8 * 3600,
  },
  interactions: {
    policy,
    url: (ctx, interaction) => `/interaction/${interaction.uid}`,
  },
  async findAccount(ctx, id) {
    if (!Object.hasOwn(USERS, id)) return undefined;
    return { accountId: id, claims: async () => claimsOf(id) };
  },
  // No consent screen: the one client is first-party, so every login grants what it asks among the offered scopes.
  async loadExistingGrant(ctx) {
    const { oidc } = ctx;
    const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
    const grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
    const fresh = grant || new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
    fresh.addOIDCScope([...oidc.requestParamScopes].join(' '));
    await fresh.save();
    return fresh;
  },
  features: {
    devInteractions: { enabled: false },
    introspection: { enabled: false },
    pushedAuthorizationRequests: { enabled: false },
    revocation: { enabled: false },
    userinfo: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      // No confirmation page: the form oidc-provider hands over is sent at once with logout=yes, which ends the
      // whole provider session (the next login asks for the password again).
      async logoutSource(ctx, form) {
        const { id_token_hint: hint, post_logout_redirect_uri: target } = ctx.oidc.params;
        console.log(`end_session: ${hint ? 'with' : 'without'} id_token_hint, post_logout_redirect_uri ${target}`);
        const autoForm = form.replace('</form>', '<input type="hidden" name="logout" value="yes"/></form>');
        ctx.body = page('Signing out', `${autoForm}<p>Signing out …</p>
<noscript><button type="submit" form="op.logoutForm">Sign out</button></noscript>
<script>document.forms[0].submit()</script>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Signed out', '<h1>Signed out</h1><p>You are signed out of the AQB test provider.</p>');
      },
    },
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    const lines = Object.entries(out).map(([key, value]) => `<p><b>${escapeHtml(key)}</b>: ${escapeHtml(value)}</p>`);
    ctx.body = page('Error', `<h1>Error</h1>${lines.join('')}`);
  },
};

const provider = new Provider(ISSUER, configuration);
provider.on('server_error', (ctx, err) => console.error('server_error', err));
provider.on('end_session.success', () => console.log('end_session: provider session ended'));
provider.on('grant.success', (ctx) => console.log(`token issued to ${ctx.oidc.client?.clientId} (${ctx.oidc.entities.Account?.accountId})`));

function loginForm(uid, { username = '', error = '' } = {}) {
  return page('Sign in', `<h1>AQB test provider</h1>
<p class="note">Test identity provider, test users only.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login" autocomplete="off">
<label for="username">Username</label><input id="username" name="username" value="${escapeHtml(username)}" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" required>
<button id="submit" type="submit">Sign in</button>
</form>
<form method="post" action="/interaction/${uid}/abort"><button id="abort" type="submit">Cancel</button></form>`);
}

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 10_000) throw new Error('form too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

// The interaction pages: a password form for `login`, nothing to show for `select_account`.
async function interaction(req, res, path) {
  const [, , uid, action] = path.split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, page('Error', '<p>Interaction mismatch.</p>'));
  const { prompt, params } = details;

  if (req.method === 'GET' && !action) {
    if (prompt.name === 'login') return send(res, 200, loginForm(uid, { username: params.login_hint || '' }));
    if (prompt.name === 'select_account') {
      return provider.interactionFinished(req, res, { select_account: {} }, { mergeWithLastSubmission: true });
    }
    return send(res, 400, page('Error', `<p>Unexpected prompt ${escapeHtml(prompt.name)}.</p>`));
  }
  if (req.method === 'POST' && action === 'login' && prompt.name === 'login') {
    const form = await readForm(req);
    const username = form.get('username') || '';
    const user = Object.hasOwn(USERS, username) ? USERS[username] : undefined;
    if (!user || form.get('password') !== user.password) {
      console.log(`login failed for ${JSON.stringify(username)}`);
      return send(res, 200, loginForm(uid, { username, error: 'Invalid username or password.' }));
    }
    console.log(`login ${username}`);
    return provider.interactionFinished(
      req,
      res,
      { login: { accountId: username }, select_account: {} },
      { mergeWithLastSubmission: false },
    );
  }
  if (req.method === 'POST' && action === 'abort') {
    return provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'End-User aborted interaction' },
      { mergeWithLastSubmission: false },
    );
  }
  return send(res, 404, page('Not found', '<p>Not found.</p>'));
}

const handler = provider.callback();
const server = http.createServer(async (req, res) => {
  const path = new URL(req.url, ISSUER).pathname;
  if (!path.startsWith('/interaction/')) return handler(req, res);
  try {
    await interaction(req, res, path);
  } catch (err) {
    console.error('interaction error', err);
    if (!res.headersSent) send(res, 400, page('Error', `<p>${escapeHtml(err.message)}</p>`));
  }
});

server.listen(PORT, '127.0.0.1', () => {
  console.log(`AQB test IdP: issuer ${ISSUER}, ID token TTL ${ID_TOKEN_TTL} s, client ${CLIENT_ID} (${CLIENT_AUTH})`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.log(`${signal}: stopping`);
    process.exit(0);
  });
}
