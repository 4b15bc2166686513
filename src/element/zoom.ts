/**
 * The full-screen zoom of the result: a popover above the panel (the top layer, so no ancestor
 * clips it) with wheel and pinch zoom, tap for 2×, drag to pan, and keys (+, -, 0, arrows).
 * Esc closes the zoom, not the panel.
 */
import type { ReactiveControllerHost } from 'lit';
import { html, nothing, type TemplateResult } from 'lit/html.js';
import { clampPan, FITTED, panBy, toggleAt, zoomAt, type ZoomBox, type ZoomState } from './zoom-math.ts';
import type { TryOnStrings } from './strings.ts';
import { icons } from './views/icons.ts';
import { trapTab } from './controllers/focus.ts';

/** A pointer that moved less than this between down and up is a tap. */
const TAP_SLOP_PX = 6;

type ZoomHost = ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment };

export class ZoomView {
  #open = false;
  #state: ZoomState = FITTED;
  #fit = { width: 0, height: 0 };
  #pointers = new Map<number, { x: number; y: number }>();
  #moved = 0;
  #pinch: { distance: number; scale: number } | undefined;
  #returnFocus: HTMLElement | undefined;
  #shown = false;
  readonly #host: ZoomHost;
  readonly #root: () => ParentNode;

  constructor(host: ZoomHost, root: () => ParentNode) {
    this.#host = host;
    this.#root = root;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  open(returnFocus?: HTMLElement): void {
    if (this.#open) return;
    this.#open = true;
    this.#shown = false;
    this.#state = FITTED;
    this.#returnFocus = returnFocus;
    // Capture phase on the document: runs before the panel's own Esc handler, which then sees defaultPrevented.
    document.addEventListener('keydown', this.#onEscape, true);
    window.addEventListener('resize', this.#onResize);
    this.#host.requestUpdate();
  }

  close(options: { restoreFocus?: boolean } = {}): void {
    if (!this.#open) return;
    this.#open = false;
    document.removeEventListener('keydown', this.#onEscape, true);
    window.removeEventListener('resize', this.#onResize);
    const overlay = this.#overlay;
    if (overlay?.matches(':popover-open')) overlay.hidePopover();
    this.#pointers.clear();
    this.#host.requestUpdate();
    const target = this.#returnFocus;
    this.#returnFocus = undefined;
    if (options.restoreFocus !== false && target) void this.#host.updateComplete.then(() => target.focus());
  }

  /** Shows the popover and focuses its close button after the render that added it. */
  afterRender(): void {
    if (!this.#open || this.#shown) return;
    const overlay = this.#overlay;
    if (!overlay) return;
    this.#shown = true;
    if (typeof overlay.showPopover === 'function' && !overlay.matches(':popover-open')) overlay.showPopover();
    overlay.querySelector<HTMLElement>('.zoom-close')?.focus();
    // Measured on the next frame: a re-render from inside this update cycle is wasted work.
    requestAnimationFrame(this.#measure);
  }

  get #overlay(): HTMLElement | null {
    return this.#root().querySelector<HTMLElement>('[part="zoom"]');
  }

  get #stage(): HTMLElement | null {
    return this.#root().querySelector<HTMLElement>('.zoom-stage');
  }

  #box(): ZoomBox {
    const stage = this.#stage;
    return {
      fitWidth: this.#fit.width,
      fitHeight: this.#fit.height,
      viewWidth: stage?.clientWidth ?? 0,
      viewHeight: stage?.clientHeight ?? 0,
    };
  }

  /** Fits the image into the stage (object-fit: contain, computed so pan limits know the real size). */
  #measure = (): void => {
    const stage = this.#stage;
    const img = stage?.querySelector('img');
    if (!stage || !img || !img.naturalWidth) return;
    const ratio = Math.min(stage.clientWidth / img.naturalWidth, stage.clientHeight / img.naturalHeight);
    this.#fit = { width: img.naturalWidth * ratio, height: img.naturalHeight * ratio };
    this.#state = clampPan(this.#state, this.#box());
    this.#host.requestUpdate();
  };

  #onResize = (): void => this.#measure();

  #set(state: ZoomState): void {
    this.#state = state;
    this.#host.requestUpdate();
  }

  /** A client point relative to the stage's centre. */
  #point(clientX: number, clientY: number): { x: number; y: number } {
    const rect = this.#stage!.getBoundingClientRect();
    return { x: clientX - rect.left - rect.width / 2, y: clientY - rect.top - rect.height / 2 };
  }

  #onEscape = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || !this.#open) return;
    event.preventDefault();
    event.stopPropagation();
    this.close();
  };

  #onWheel = (event: WheelEvent): void => {
    event.preventDefault();
    // deltaMode 1 is lines (Firefox); trackpad pinch arrives as wheel with ctrlKey and small deltas.
    const delta = event.deltaY * (event.deltaMode === 1 ? 16 : 1) * (event.ctrlKey ? 4 : 1);
    this.#set(zoomAt(this.#state, this.#state.scale * Math.exp(-delta * 0.0025), this.#point(event.clientX, event.clientY), this.#box()));
  };

  #onPointerDown = (event: PointerEvent): void => {
    try {
      // Keeps the drag when the finger leaves the stage; throws for a pointer already gone.
      (event.currentTarget as HTMLElement).setPointerCapture(event.pointerId);
    } catch {
      // Without capture the gesture still works while it stays over the stage.
    }
    this.#pointers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (this.#pointers.size === 1) this.#moved = 0;
    if (this.#pointers.size === 2) {
      const [a, b] = [...this.#pointers.values()] as [{ x: number; y: number }, { x: number; y: number }];
      this.#pinch = { distance: Math.hypot(a.x - b.x, a.y - b.y) || 1, scale: this.#state.scale };
      this.#moved = Infinity;
    }
  };

  #onPointerMove = (event: PointerEvent): void => {
    const last = this.#pointers.get(event.pointerId);
    if (!last) return;
    const now = { x: event.clientX, y: event.clientY };
    this.#pointers.set(event.pointerId, now);
    if (this.#pointers.size >= 2 && this.#pinch) {
      const [a, b] = [...this.#pointers.values()] as [{ x: number; y: number }, { x: number; y: number }];
      const scale = this.#pinch.scale * (Math.hypot(a.x - b.x, a.y - b.y) / this.#pinch.distance);
      this.#set(zoomAt(this.#state, scale, this.#point((a.x + b.x) / 2, (a.y + b.y) / 2), this.#box()));
      return;
    }
    this.#moved += Math.hypot(now.x - last.x, now.y - last.y);
    if (this.#state.scale > 1) this.#set(panBy(this.#state, now.x - last.x, now.y - last.y, this.#box()));
  };

  #onPointerUp = (event: PointerEvent): void => {
    if (!this.#pointers.has(event.pointerId)) return;
    this.#pointers.delete(event.pointerId);
    if (this.#pointers.size < 2) this.#pinch = undefined;
    if (this.#pointers.size === 0 && this.#moved < TAP_SLOP_PX && event.type === 'pointerup') {
      this.#set(toggleAt(this.#state, this.#point(event.clientX, event.clientY), this.#box()));
    }
  };

  #onStageKeydown = (event: KeyboardEvent): void => {
    const step = 48;
    const centre = { x: 0, y: 0 };
    const box = this.#box();
    const keys: Record<string, () => ZoomState> = {
      '+': () => zoomAt(this.#state, this.#state.scale * 1.25, centre, box),
      '=': () => zoomAt(this.#state, this.#state.scale * 1.25, centre, box),
      '-': () => zoomAt(this.#state, this.#state.scale / 1.25, centre, box),
      '0': () => FITTED,
      // Arrows move the view over the image: the picture shifts the other way.
      ArrowLeft: () => panBy(this.#state, step, 0, box),
      ArrowRight: () => panBy(this.#state, -step, 0, box),
      ArrowUp: () => panBy(this.#state, 0, step, box),
      ArrowDown: () => panBy(this.#state, 0, -step, box),
      Enter: () => toggleAt(this.#state, centre, box),
      ' ': () => toggleAt(this.#state, centre, box),
    };
    const action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    this.#set(action());
  };

  /** Tab stays inside the zoom (two stops: the image, close) while it covers the panel. */
  #onOverlayKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Tab' && event.code !== 'Tab') return;
    // The panel's own trap must not act on it too: the zoom covers the panel.
    event.stopPropagation();
    if (trapTab(event.currentTarget as HTMLElement, event, (this.#host.renderRoot as ShadowRoot).activeElement)) event.preventDefault();
  };

  render(s: TryOnStrings, src: string): TemplateResult | typeof nothing {
    if (!this.#open) return nothing;
    const { scale, x, y } = this.#state;
    const sized = this.#fit.width > 0 ? `width: ${this.#fit.width}px; height: ${this.#fit.height}px;` : '';
    return html`<div
      part="zoom"
      class="zoom"
      popover="manual"
      role="dialog"
      aria-modal="true"
      aria-label=${s.zoomTitle}
      @keydown=${this.#onOverlayKeydown}
    >
      <div
        class="zoom-stage"
        tabindex="0"
        role="img"
        aria-label=${`${s.zoomTitle}. ${s.zoomHint}`}
        data-scale=${scale.toFixed(2)}
        @wheel=${this.#onWheel}
        @pointerdown=${this.#onPointerDown}
        @pointermove=${this.#onPointerMove}
        @pointerup=${this.#onPointerUp}
        @pointercancel=${this.#onPointerUp}
        @keydown=${this.#onStageKeydown}
      >
        <img
          src=${src}
          alt=""
          draggable="false"
          style="${sized} transform: translate(${x}px, ${y}px) scale(${scale});"
          @load=${this.#measure}
        />
      </div>
      <p class="zoom-hint" aria-hidden="true">${s.zoomHint}</p>
      <button part="zoom-close" class="zoom-close icon-button" type="button" aria-label=${s.zoomClose} @click=${() => this.close()}>
        ${icons.close}
      </button>
    </div>`;
  }
}
