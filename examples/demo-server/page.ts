/** The demo's single page; behaviour lives in public/demo.js (no inline script: strict CSP). */
export const demoPage = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>keyward demo</title>
  <link rel="stylesheet" href="/static/demo.css">
</head>
<body>
  <main>
    <h1>keyward demo</h1>
    <p class="lead">Email and password sign-in with rotating refresh tokens in HttpOnly cookies and CSRF protection. Mails are printed in the server's console.</p>
    <section id="signed-out">
      <form id="register">
        <h2>Create an account</h2>
        <input name="firstName" placeholder="First name" autocomplete="given-name">
        <input name="email" type="email" placeholder="Email" required autocomplete="email">
        <input name="password" type="password" placeholder="Password (8+ characters)" required minlength="8" autocomplete="new-password">
        <button>Register</button>
      </form>
      <form id="login">
        <h2>Sign in</h2>
        <input name="email" type="email" placeholder="Email" required autocomplete="email">
        <input name="password" type="password" placeholder="Password" required autocomplete="current-password">
        <button>Sign in</button>
        <button type="button" id="forgot" class="link">Forgot password?</button>
      </form>
      <form id="reset" hidden>
        <h2>Choose a new password</h2>
        <input name="newPassword" type="password" placeholder="New password" required minlength="8" autocomplete="new-password">
        <button>Save password</button>
      </form>
    </section>
    <section id="signed-in" hidden>
      <h2>Signed in</h2>
      <pre id="profile"></pre>
      <div class="row">
        <button id="call-api">Call /api/profile</button>
        <button id="refresh">Refresh tokens</button>
        <button id="verify">Send verification email</button>
        <button id="logout">Sign out</button>
      </div>
    </section>
    <p id="status" role="status"></p>
  </main>
  <script type="module" src="/static/demo.js"></script>
</body>
</html>`;
