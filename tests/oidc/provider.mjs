// A real OpenID Connect provider for the dashboard's sign-in test: panva's oidc-provider (an
// OpenID-certified implementation from the npm registry), configured, not reimplemented.
//
// Started by tests/test_oidc_signin.py on the loopback address. Everything comes from the
// environment, so the test decides the port, the client and the people:
//   OIDC_ISSUER   http://127.0.0.1:<port>  (the provider listens there, on 127.0.0.1 only)
//   OIDC_CLIENT   JSON: {client_id, client_secret, redirect_uris, post_logout_redirect_uris}
//   OIDC_PEOPLE   JSON: {"<login>": {"name": ..., "email": ...}, ...}  (the account directory)
//
// The sign-in page is the provider's own development login form (devInteractions): it asks for a
// login and a password and does not check the password; a login that is not in the directory
// gets no account (findAccount returns nothing), so no session.
import { randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

const issuer = process.env.OIDC_ISSUER;
const client = JSON.parse(process.env.OIDC_CLIENT);
const people = JSON.parse(process.env.OIDC_PEOPLE);
const { hostname, port } = new URL(issuer);

const provider = new Provider(issuer, {
  clients: [
    {
      ...client,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
  },
  // Streamlit reads who signed in from the ID token (Authlib's parsed userinfo), not from the
  // userinfo endpoint: put the granted claims in the ID token too.
  conformIdTokenClaims: false,
  cookies: { keys: [randomBytes(32).toString('hex')] },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, sub) {
    const person = Object.hasOwn(people, sub) ? people[sub] : undefined;
    if (!person) return undefined;
    return {
      accountId: sub,
      async claims() {
        return {
          sub,
          name: person.name,
          email: person.email,
          email_verified: true,
          preferred_username: sub,
        };
      },
    };
  },
});

provider.on('server_error', (ctx, error) => console.error('server_error', error));
provider.on('grant.error', (ctx, error) => console.error('grant.error', error));
provider.on('authorization.error', (ctx, error) => console.error('authorization.error', error));

provider.listen(Number(port), hostname, () => {
  console.log(`oidc-provider ready at ${issuer}`);
});
