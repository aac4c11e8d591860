import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './shell/App';
import { applyTheme, initialTheme } from './theme/useTheme';
import './styles/tokens.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/chat.css';
import './styles/panels.css';
import './styles/diff.css';
import './styles/terminal.css';
import './styles/subagents.css';
import './styles/board.css';

// Before the first render, so a dark-theme user never sees a light flash.
applyTheme(initialTheme());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
