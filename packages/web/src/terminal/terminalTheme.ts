import type { ITheme } from '@xterm/xterm';
import type { Theme } from '../theme/useTheme';

/**
 * Terminal colours for each app theme. Background and foreground are the app's own (tokens.css); the
 * ANSI colours are picked to stay readable on them, so `white` is a grey in the light theme.
 */
const THEMES: Record<Theme, ITheme> = {
  light: {
    background: '#ffffff',
    foreground: '#1c1c21',
    cursor: '#5b4ce0',
    cursorAccent: '#ffffff',
    selectionBackground: 'rgba(91, 76, 224, 0.25)',
    black: '#1c1c21',
    red: '#c2263a',
    green: '#1d7a3a',
    yellow: '#946200',
    blue: '#1f5fbf',
    magenta: '#8a2fc2',
    cyan: '#0b7285',
    white: '#6e6e7e',
    brightBlack: '#5c5c6b',
    brightRed: '#d43d4f',
    brightGreen: '#2f9e55',
    brightYellow: '#a86f00',
    brightBlue: '#3a78d8',
    brightMagenta: '#a24bd8',
    brightCyan: '#13899e',
    brightWhite: '#3c3c46',
  },
  dark: {
    background: '#111115',
    foreground: '#e7e7ee',
    cursor: '#b3aaff',
    cursorAccent: '#111115',
    selectionBackground: 'rgba(157, 146, 255, 0.35)',
    black: '#2e2e38',
    red: '#ff7b8b',
    green: '#6fd58f',
    yellow: '#f0c45a',
    blue: '#7cb4f0',
    magenta: '#d49cff',
    cyan: '#6fd8e0',
    white: '#d0d0da',
    brightBlack: '#6e6e7e',
    brightRed: '#ff9aa7',
    brightGreen: '#8fe3a8',
    brightYellow: '#f7d584',
    brightBlue: '#a3cbf5',
    brightMagenta: '#e2bbff',
    brightCyan: '#9be7ec',
    brightWhite: '#ffffff',
  },
};

export const terminalTheme = (theme: Theme): ITheme => THEMES[theme];
