import { html, nothing } from 'lit';

/** The sign-in screen: the site's secret key, or the one-time link the server's operator printed. */
export function renderSignIn(state: { busy: boolean; error?: string }, submit: (secretKey: string) => void) {
  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const secretKey = (form.elements.namedItem('secretKey') as HTMLInputElement).value.trim();
    if (secretKey) submit(secretKey);
  };
  return html`<main>
    <section aria-labelledby="sign-in">
      <h2 id="sign-in">Sign in to your site</h2>
      <p class="muted">With the site's secret key (it is checked and never kept in this browser), or with a one-time link: run <code>npx tipsy studio link &lt;siteId&gt;</code> on the server and open the link it prints.</p>
      <form @submit=${onSubmit}>
        <label>Secret key <input name="secretKey" type="password" autocomplete="off" required placeholder="sk_…" /></label>
        <button type="submit" ?disabled=${state.busy}>Sign in</button>
        ${state.error ? html`<p role="alert">${state.error}</p>` : nothing}
      </form>
    </section>
  </main>`;
}
