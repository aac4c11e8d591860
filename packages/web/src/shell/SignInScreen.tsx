import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { ThemeToggle } from '../theme/ThemeToggle';
import { useTheme } from '../theme/useTheme';
import { ErrorNotice } from '../ui/ErrorNotice';

/**
 * Shown when the API answers 401. The usual way in is the one-time link `boocode serve`
 * prints; pasting that link or the API token here works too.
 */
export function SignInScreen() {
  const [value, setValue] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [theme, toggleTheme] = useTheme();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const v = value.trim();
    const link = /\/api\/auth\/login\?code=([^\s&#]+)/.exec(v);
    if (link) {
      // Same origin only: the cookie must be set for this server.
      location.assign(`/api/auth/login?code=${encodeURIComponent(decodeURIComponent(link[1]!))}`);
      return;
    }
    setBusy(true);
    try {
      await api.call('login', { body: { token: v } });
      location.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <div className="sign-in__card">
        <div className="sign-in__head">
          <h1>BooCode</h1>
          <ThemeToggle theme={theme} onToggle={toggleTheme} />
        </div>
        <p>
          Open the login link that <code>boocode serve</code> printed. Each link works once; run{' '}
          <code>boocode login-url</code> for a new one.
        </p>
        <form onSubmit={submit} className="sign-in__form">
          <label htmlFor="sign-in-value">Login link or API token</label>
          <input
            id="sign-in-value"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            placeholder="http://127.0.0.1:7345/api/auth/login?code=…"
          />
          <button type="submit" className="button button--primary" disabled={busy || value.trim() === ''}>
            Sign in
          </button>
        </form>
        {error ? <ErrorNotice error={error} /> : null}
      </div>
    </main>
  );
}
