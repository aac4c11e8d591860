/** Inline SVG icons (stroke style, 16px grid); decorative, so hidden from screen readers. */
const PATHS = {
  menu: 'M2 4h12M2 8h12M2 12h12',
  plus: 'M8 3v10M3 8h10',
  close: 'M4 4l8 8M12 4l-8 8',
  chevronRight: 'M6 3l5 5-5 5',
  chevronDown: 'M3 6l5 5 5-5',
  chevronUp: 'M3 10l5-5 5 5',
  sun: 'M8 5.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5zM8 1v1.5M8 13.5V15M1 8h1.5M13.5 8H15M3 3l1 1M12 12l1 1M3 13l1-1M12 4l1-1',
  moon: 'M13 9.5A5.5 5.5 0 0 1 6.5 3a5.5 5.5 0 1 0 6.5 6.5z',
  stop: 'M4 4h8v8H4z',
  send: 'M2 8l12-5-5 12-2-5-5-2z',
  link: 'M7 9a3 3 0 0 0 4 0l2-2a3 3 0 0 0-4-4l-1 1M9 7a3 3 0 0 0-4 0L3 9a3 3 0 0 0 4 4l1-1',
  copy: 'M5 5h8v8H5zM3 11V3h8',
  paste: 'M5 3H3v11h10V3h-2M6 2h4v2H6zM6 8h4M6 11h4',
  terminal: 'M2 3h12v10H2zM4.5 6l2 2-2 2M8 10.5h3.5',
  timeline: 'M4 2v12M4 4h8M4 8h6M4 12h9',
  traces: 'M2 4h6M4 8h8M6 12h8',
  diff: 'M5 2v7M2 5.5h6M10 10h5M3 13h5',
  check: 'M3 8.5l3 3 7-7',
  alert: 'M8 2l6.5 11.5h-13zM8 6.5v3M8 11.5v.5',
  tool: 'M10 2a3 3 0 0 0-2.8 4L2.5 10.7a1.4 1.4 0 0 0 2 2L9 8a3 3 0 0 0 4-2.8L11 7 9.5 6.5 9 5l2-2',
  bulb: 'M8 1.5a4.5 4.5 0 0 0-2.5 8.2V11.5h5V9.7A4.5 4.5 0 0 0 8 1.5zM6 14h4',
  refresh: 'M13 3v3h-3M3 13v-3h3M12.5 6A5 5 0 0 0 3.6 5M3.5 10a5 5 0 0 0 8.9 1',
  folder: 'M2 4h4l1 1.5h7V13H2z',
  archive: 'M2 3h12v3H2zM3 6v7h10V6M6.5 9h3',
  trash: 'M3 4h10M6 4V2.5h4V4M4.5 4l.7 9.5h5.6l.7-9.5',
  pin: 'M6 2h4l-1 4 3 2v1H4V8l3-2zM8 9v5',
  workflow: 'M2 2.5h4v3H2zM10 6.5h4v3h-4zM2 10.5h4v3H2zM6 4h2v8H6M8 8h2',
  agents: 'M5 6a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM11 6a2 2 0 1 0 0-4 2 2 0 0 0 0 4zM1.5 13a3.5 3.5 0 0 1 7 0M7.5 13a3.5 3.5 0 0 1 7 0',
  settings: 'M3 4h10M3 8h10M3 12h10M6 2.5v3M10 6.5v3M5 10.5v3',
  bell: 'M4 11V7a4 4 0 0 1 8 0v4l1.5 1.5h-11zM6.5 14h3',
  image: 'M2 3h12v10H2zM2 11l3.5-3.5 3 3 2-2L14 12M10.5 6.5h.01',
  pencil: 'M10.5 2.5l3 3L6 13H3v-3zM9 4l3 3',
  logout: 'M6 2.5H3v11h3M10 5l3 3-3 3M13 8H6',
  unarchive: 'M2 3h12v3H2zM3 6v7h10V6M8 12V8.5M6.5 10L8 8.5 9.5 10',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 16 }: { name: IconName; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
