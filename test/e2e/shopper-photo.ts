/**
 * A shopper photo for the end-to-end flow, drawn here (no third-party images): a person
 * standing against a wall in a plain T-shirt and trousers, rendered to JPEG by Chromium.
 */
import type { Browser } from 'playwright-core';

const FIGURE_SVG = `
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 900 1200" width="900" height="1200">
  <defs>
    <linearGradient id="wall" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#e9e4dc"/><stop offset="1" stop-color="#d6cfc4"/></linearGradient>
    <linearGradient id="floor" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#b9a68c"/><stop offset="1" stop-color="#9c8a72"/></linearGradient>
    <radialGradient id="skin" cx=".45" cy=".4" r=".7"><stop offset="0" stop-color="#e2b48f"/><stop offset="1" stop-color="#c48f68"/></radialGradient>
  </defs>
  <rect width="900" height="1200" fill="url(#wall)"/>
  <rect y="1010" width="900" height="190" fill="url(#floor)"/>
  <ellipse cx="450" cy="1118" rx="190" ry="22" fill="#000" opacity=".15"/>
  <!-- legs and shoes -->
  <path d="M372 640 L352 1080 H420 L448 700 L476 1080 H546 L528 640 Z" fill="#3d4a5c"/>
  <path d="M340 1078 h84 q6 30 -10 36 h-86 q-6 -24 12 -36 Z M474 1078 h84 q18 12 12 36 h-86 q-16 -6 -10 -36 Z" fill="#2b2b2b"/>
  <!-- arms -->
  <path d="M330 300 Q284 420 272 640 L306 650 Q326 460 362 350 Z" fill="url(#skin)"/>
  <path d="M570 300 Q616 420 628 640 L594 650 Q574 460 538 350 Z" fill="url(#skin)"/>
  <circle cx="288" cy="660" r="22" fill="url(#skin)"/><circle cx="612" cy="660" r="22" fill="url(#skin)"/>
  <!-- plain T-shirt -->
  <path d="M378 250 Q450 276 522 250 L590 288 Q612 340 616 400 L566 412 L552 360 L546 660 H354 L348 360 L334 412 L284 400 Q288 340 310 288 Z" fill="#f5f5f2" stroke="#cfcac0" stroke-width="3"/>
  <path d="M410 254 Q450 290 490 254" fill="none" stroke="#cfcac0" stroke-width="5"/>
  <!-- neck and head -->
  <path d="M424 214 h52 v44 q-26 16 -52 0 Z" fill="#c8936c"/>
  <ellipse cx="450" cy="160" rx="64" ry="78" fill="url(#skin)"/>
  <path d="M386 150 Q384 76 450 72 Q520 74 516 152 Q500 110 450 108 Q404 110 386 150 Z" fill="#3b2a20"/>
  <circle cx="427" cy="162" r="6" fill="#2a1d16"/><circle cx="473" cy="162" r="6" fill="#2a1d16"/>
  <path d="M430 200 Q450 214 470 200" fill="none" stroke="#8d4f3a" stroke-width="5" stroke-linecap="round"/>
</svg>`;

/** Renders the drawn figure to a 900x1200 JPEG. */
export async function makeShopperPhoto(browser: Browser): Promise<Buffer> {
  const page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
  try {
    await page.setContent(`<!doctype html><body style="margin:0">${FIGURE_SVG}</body>`);
    return await page.screenshot({ type: 'jpeg', quality: 90 });
  } finally {
    await page.close();
  }
}
