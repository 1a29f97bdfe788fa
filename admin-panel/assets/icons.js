// Line icons drawn on a 24×24 grid, built with createElementNS so the page needs no icon font,
// no sprite request and no inline markup.

const SVG = 'http://www.w3.org/2000/svg';

/** Each icon is a list of shapes: [element, attributes]. */
const ICONS = {
  users: [
    ['circle', { cx: 9, cy: 8, r: 3.5 }],
    ['path', { d: 'M2.5 20c0-3.6 2.9-6 6.5-6s6.5 2.4 6.5 6' }],
    ['path', { d: 'M16 4.5a3.5 3.5 0 0 1 0 7' }],
    ['path', { d: 'M18 14.3c2.1.6 3.5 2.6 3.5 5.7' }],
  ],
  sessions: [
    ['rect', { x: 3, y: 4, width: 18, height: 12, rx: 2 }],
    ['path', { d: 'M8 20h8M12 16v4' }],
  ],
  roles: [
    ['path', { d: 'M12 3l7.5 3v5.5c0 4.6-3.2 8.3-7.5 9.5-4.3-1.2-7.5-4.9-7.5-9.5V6z' }],
    ['path', { d: 'M9 12l2 2 4-4' }],
  ],
  tenants: [
    ['rect', { x: 4, y: 3, width: 11, height: 18, rx: 1 }],
    ['path', { d: 'M15 9h4a1 1 0 0 1 1 1v11M8 7h3M8 11h3M8 15h3M2 21h20' }],
  ],
  control: [
    ['path', { d: 'M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1' }],
    ['circle', { cx: 15, cy: 6, r: 2 }],
    ['circle', { cx: 9, cy: 12, r: 2 }],
    ['circle', { cx: 17, cy: 18, r: 2 }],
  ],
  key: [
    ['circle', { cx: 8, cy: 15.5, r: 4.5 }],
    ['path', { d: 'M11.2 12.3L20 3.5M16.5 7l3 3M14 9.5l2.5 2.5' }],
  ],
  webhook: [
    ['circle', { cx: 12, cy: 6.5, r: 2.5 }],
    ['circle', { cx: 6, cy: 17, r: 2.5 }],
    ['circle', { cx: 18, cy: 17, r: 2.5 }],
    ['path', { d: 'M10.8 8.7l-3.5 6M8.5 17h7M13.2 8.7l3.5 6' }],
  ],
  events: [['path', { d: 'M3 12h4l3-7 4 14 3-7h4' }]],
  chart: [
    ['path', { d: 'M4 4v16h16' }],
    ['path', { d: 'M8 16v-4M12 16V8M16 16v-6' }],
  ],
  replay: [['path', { d: 'M4 12a8 8 0 1 0 2.3-5.7M4 4v5h5' }]],
  copy: [
    ['rect', { x: 9, y: 9, width: 11, height: 11, rx: 2 }],
    ['path', { d: 'M5 15V6a2 2 0 0 1 2-2h9' }],
  ],
  logout: [['path', { d: 'M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3M10 17l-5-5 5-5M5 12h11' }]],
  search: [
    ['circle', { cx: 11, cy: 11, r: 6.5 }],
    ['path', { d: 'M20 20l-4.2-4.2' }],
  ],
  refresh: [['path', { d: 'M20 12a8 8 0 1 1-2.3-5.7M20 4v5h-5' }]],
  trash: [
    [
      'path',
      { d: 'M4 7h16M10 11v6M14 11v6M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12M9 7V4h6v3' },
    ],
  ],
  close: [['path', { d: 'M6 6l12 12M18 6L6 18' }]],
  prev: [['path', { d: 'M15 6l-6 6 6 6' }]],
  next: [['path', { d: 'M9 6l6 6-6 6' }]],
  plus: [['path', { d: 'M12 5v14M5 12h14' }]],
  link: [
    [
      'path',
      {
        d: 'M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1',
      },
    ],
  ],
  alert: [
    ['circle', { cx: 12, cy: 12, r: 9 }],
    ['path', { d: 'M12 7.5v5.5M12 16.5v.01' }],
  ],
  check: [['path', { d: 'M5 12.5l4.5 4.5L19 7.5' }]],
  manage: [
    ['path', { d: 'M4 20h4L19 9l-4-4L4 16z' }],
    ['path', { d: 'M13.5 6.5l4 4' }],
  ],
};

/** An `<svg>` icon; decorative (hidden from screen readers) unless given a label. */
export function icon(name, label) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', `icon icon-${name}`);
  if (label) {
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', label);
  } else {
    svg.setAttribute('aria-hidden', 'true');
  }
  for (const [tag, attrs] of ICONS[name] ?? []) {
    const shape = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attrs)) shape.setAttribute(key, String(value));
    svg.append(shape);
  }
  return svg;
}
