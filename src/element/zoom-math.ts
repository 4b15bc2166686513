/**
 * Geometry of the zoom view, pure: the image is drawn centred in the viewport at `scale`
 * (1 = fitted), shifted by (x, y) CSS pixels. Pan is clamped so the image never leaves a gap
 * at an edge it could cover.
 */
export interface ZoomState {
  scale: number;
  x: number;
  y: number;
}

export const MIN_SCALE = 1;
export const MAX_SCALE = 4;
export const TOGGLE_SCALE = 2;

export const FITTED: ZoomState = { scale: 1, x: 0, y: 0 };

/** Size of the fitted image (at scale 1) and of the viewport, in CSS pixels. */
export interface ZoomBox {
  fitWidth: number;
  fitHeight: number;
  viewWidth: number;
  viewHeight: number;
}

/** Keeps the shift within what the scaled image can cover; centred along an axis it does not fill. */
export function clampPan(state: ZoomState, box: ZoomBox): ZoomState {
  const limitX = Math.max(0, (box.fitWidth * state.scale - box.viewWidth) / 2);
  const limitY = Math.max(0, (box.fitHeight * state.scale - box.viewHeight) / 2);
  const clamp = (v: number, limit: number) => (limit === 0 ? 0 : Math.min(limit, Math.max(-limit, v)));
  return { scale: state.scale, x: clamp(state.x, limitX), y: clamp(state.y, limitY) };
}

/**
 * Zooms to `scale` keeping the image point under `point` (viewport coordinates relative to the
 * viewport's centre) where it is, then clamps.
 */
export function zoomAt(state: ZoomState, scale: number, point: { x: number; y: number }, box: ZoomBox): ZoomState {
  const next = Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
  const ratio = next / state.scale;
  return clampPan({ scale: next, x: point.x - (point.x - state.x) * ratio, y: point.y - (point.y - state.y) * ratio }, box);
}

/** A tap: fitted → 2× at the tapped point; zoomed → back to fitted. */
export function toggleAt(state: ZoomState, point: { x: number; y: number }, box: ZoomBox): ZoomState {
  return state.scale > MIN_SCALE ? FITTED : zoomAt(state, TOGGLE_SCALE, point, box);
}

export function panBy(state: ZoomState, dx: number, dy: number, box: ZoomBox): ZoomState {
  return clampPan({ scale: state.scale, x: state.x + dx, y: state.y + dy }, box);
}
