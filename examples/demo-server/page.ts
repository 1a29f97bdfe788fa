/**
 * The demo's single page; behaviour lives in public/demo.js and the modules it imports (no
 * inline script or event handler: strict CSP).
 */
export const demoPage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>keyward demo</title>
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/static/demo.css">
</head>
<body>
  <main>
    <h1>keyward demo</h1>
    <p class="lead">Passwords, authenticator apps, magic links and SMS codes, with rotating refresh tokens in HttpOnly cookies and CSRF protection. Mails and SMS are printed in the server's console and shown in the outbox below.</p>
    <nav class="row" aria-label="More to explore">
      <a href="/auth/docs" id="link-docs">API docs</a>
      <a href="/admin/" id="link-admin">Admin panel</a>
    </nav>

    <section id="signed-out">
      <form id="register">
        <h2>Create an account</h2>
        <input name="firstName" placeholder="First name" autocomplete="given-name">
        <input name="email" type="email" placeholder="Email" required autocomplete="email">
        <input name="password" type="password" placeholder="Password (8+ characters)" required minlength="8" autocomplete="new-password">
        <input name="phoneNumber" type="tel" placeholder="Phone (optional, for SMS codes)" autocomplete="tel">
        <button>Register</button>
      </form>
      <form id="login">
        <h2>Sign in</h2>
        <input name="email" type="email" placeholder="Email" required autocomplete="email">
        <input name="password" type="password" placeholder="Password" required autocomplete="current-password">
        <button>Sign in</button>
        <button type="button" id="forgot" class="link">Forgot password?</button>
      </form>
      <form id="passwordless">
        <h2>Sign in without a password</h2>
        <input name="email" type="email" placeholder="Email" required autocomplete="email">
        <div class="row">
          <button id="send-link">Email me a link</button>
          <button type="button" id="send-sms">Text me a code</button>
        </div>
        <input name="code" id="sms-code" inputmode="numeric" autocomplete="one-time-code" placeholder="6-digit code from the SMS" hidden>
        <button type="button" id="verify-sms" hidden>Sign in with the code</button>
      </form>
      <form id="challenge" hidden>
        <h2>Second factor</h2>
        <p id="challenge-hint"></p>
        <input name="code" id="challenge-code" required autocomplete="one-time-code" placeholder="Code">
        <button>Continue</button>
        <button type="button" id="challenge-sms" class="link" hidden>Text me a code instead</button>
        <button type="button" id="challenge-cancel" class="link">Start over</button>
      </form>
      <form id="reset" hidden>
        <h2>Choose a new password</h2>
        <input name="newPassword" type="password" placeholder="New password" required minlength="8" autocomplete="new-password">
        <button>Save password</button>
      </form>
    </section>

    <section id="enrol" class="card" hidden>
      <h2>Set up an authenticator app</h2>
      <p>Scan the QR code with Google Authenticator, Authy, 1Password… or type the key by hand.</p>
      <img id="totp-qr" alt="QR code to scan with an authenticator app" width="180" height="180">
      <p>Key: <code id="totp-secret"></code></p>
      <form id="enrol-confirm">
        <input name="token" id="enrol-code" inputmode="numeric" autocomplete="one-time-code" placeholder="6-digit code from the app" required>
        <button>Turn on two-factor sign-in</button>
        <button type="button" id="enrol-cancel" class="link">Cancel</button>
      </form>
    </section>

    <section id="recovery" class="card" hidden>
      <h2>Your recovery codes</h2>
      <p>Each works once, in place of a code from the app, if you lose your phone. They are shown only now: keep them somewhere safe.</p>
      <ol id="recovery-codes"></ol>
      <button id="recovery-done">I have saved them</button>
    </section>

    <section id="signed-in" class="card" hidden>
      <h2>Signed in</h2>
      <pre id="profile"></pre>
      <div class="row">
        <button id="call-api">Call /api/profile</button>
        <button id="refresh">Refresh tokens</button>
        <button id="verify">Send verification email</button>
        <button id="logout">Sign out</button>
      </div>

      <h2>Two-factor sign-in</h2>
      <form id="totp-off" class="inline">
        <input id="enrol-password" type="password" placeholder="Your password" autocomplete="current-password" hidden>
        <button id="enrol-start">Set up an authenticator app</button>
      </form>
      <form id="totp-on" class="inline" hidden>
        <span>On, with an authenticator app.</span>
        <input name="code" id="totp-manage-code" inputmode="numeric" autocomplete="one-time-code" placeholder="Current code" required>
        <button id="totp-new-codes">New recovery codes</button>
        <button type="button" id="totp-disable">Turn off</button>
      </form>

      <h2>Your devices</h2>
      <ul id="sessions"></ul>
      <div class="row">
        <button id="revoke-others">Sign out other devices</button>
      </div>
    </section>

    <p id="status" role="status"></p>

    <section id="outbox" class="card" aria-labelledby="outbox-title">
      <h2 id="outbox-title">Outbox <span class="badge">demo only</span></h2>
      <p class="note">The demo sends no mail and no SMS: it prints them in the server's console and lists the last ones here. A real app never shows its outgoing messages.</p>
      <ul id="outbox-messages"></ul>
      <p id="outbox-empty">Nothing sent yet.</p>
    </section>
  </main>
  <script type="module" src="/static/demo.js"></script>
</body>
</html>`;
