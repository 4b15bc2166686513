/**
 * The part of Lit's ReactiveElement that <try-on-button> needs, written small because it loads
 * on every product page before the button is used. `@lit/reactive-element` 2.1 in its place
 * measured 6.1 KB gzip before first use against 4.1 KB with this file, over the 4.5 KB budget
 * (bench/RESULTS.md, "Bundle size").
 *
 * What it keeps of Lit's contract:
 * - reactive properties: setting one to a new value (NaN-safe, as Lit compares) schedules an update;
 * - updates are batched in a microtask and wait for the first connection (attributes have arrived);
 * - values a page set on the element before it was defined win over the attributes at the first
 *   update, as in Lit;
 * - Lit reactive controllers: `hostConnected`, `hostDisconnected`, `hostUpdate`, `hostUpdated`;
 * - `requestUpdate()` and `updateComplete` (true when no further update was requested meanwhile).
 * What it leaves out: attribute converters and reflection (the subclass maps its few string
 * attributes itself), `changedProperties`, `shouldUpdate`/`willUpdate`/`firstUpdated`, styles.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export abstract class ReactiveHost extends HTMLElement implements ReactiveControllerHost {
  /** This class's reactive property names (a static, so a subclass inherits its parents'). */
  protected static reactiveNames: readonly string[] = [];

  /** Gives this class accessors like Lit's reactive properties for `names`; call from a static block. */
  protected static reactive(names: readonly string[]): void {
    this.reactiveNames = [...this.reactiveNames, ...names];
    for (const name of names) {
      Object.defineProperty(this.prototype, name, {
        configurable: true,
        get(this: ReactiveHost) {
          return this.#values.get(name);
        },
        set(this: ReactiveHost, value: unknown) {
          const old = this.#values.get(name);
          if (old === value || (old !== old && value !== value)) return;
          this.#values.set(name, value);
          this.requestUpdate();
        },
      });
    }
  }

  readonly #values: Map<string, unknown>;
  /** Properties a page set before this element was defined, applied at the first update. */
  #early: Map<string, unknown> | undefined;
  readonly #controllers = new Set<ReactiveController>();
  #updatePending = false;
  #updateDone: Promise<boolean> = Promise.resolve(true);
  #connect!: () => void;
  readonly #connected = new Promise<void>((resolve) => (this.#connect = resolve));

  /** `defaults`: the reactive properties' initial values. */
  constructor(defaults: Record<string, unknown> = {}) {
    super();
    this.#values = new Map(Object.entries(defaults));
    // A module script runs after the parser: a page (or framework) may have set properties on
    // the not-yet-defined element, and those own properties would hide the accessors.
    for (const name of (new.target as typeof ReactiveHost).reactiveNames) {
      if (!Object.hasOwn(this, name)) continue;
      (this.#early ??= new Map()).set(name, (this as Record<string, unknown>)[name]);
      delete (this as Record<string, unknown>)[name];
    }
    this.requestUpdate();
  }

  /** Renders the element's own DOM; runs between the controllers' `hostUpdate` and `hostUpdated`. */
  protected abstract update(): void;

  /** Adds a Lit reactive controller: its hooks run around this element's updates. */
  addController(controller: ReactiveController): void {
    this.#controllers.add(controller);
    if (this.isConnected) controller.hostConnected?.();
  }

  /** Removes a controller added with addController. */
  removeController(controller: ReactiveController): void {
    this.#controllers.delete(controller);
  }

  /** Schedules an update (batched in a microtask, as in Lit). */
  requestUpdate(): void {
    if (this.#updatePending) return;
    this.#updatePending = true;
    this.#updateDone = this.#connected.then(() => {
      this.#performUpdate();
      return !this.#updatePending;
    });
  }

  /** Resolves after the pending update has rendered; `true` when no further update was requested meanwhile. */
  get updateComplete(): Promise<boolean> {
    return this.#updateDone;
  }

  connectedCallback(): void {
    this.#connect();
    for (const controller of this.#controllers) controller.hostConnected?.();
  }

  disconnectedCallback(): void {
    for (const controller of this.#controllers) controller.hostDisconnected?.();
  }

  #performUpdate(): void {
    this.#updatePending = false;
    if (this.#early) {
      for (const [name, value] of this.#early) this.#values.set(name, value);
      this.#early = undefined;
    }
    for (const controller of this.#controllers) controller.hostUpdate?.();
    this.update();
    for (const controller of this.#controllers) controller.hostUpdated?.();
  }
}
