/// <reference types="mocha" />
/** FocusController on its own: into each new view, Tab cycling inside the dialog, Esc, back to the button. */
import { expect } from 'chai';
import { sendKeys } from '@web/test-runner-commands';
import { html } from 'lit/html.js';
import { FocusController } from '../../../src/element/controllers/focus.ts';
import { pressChord } from '../../browser-engine.ts';
import { mountHost, type TestHost } from './test-host.ts';

describe('FocusController', () => {
  let host: TestHost;
  let focus: FocusController;
  let force = false;
  let escapes = 0;
  const active = () => host.renderRoot.activeElement;
  const panel = () => host.renderRoot.querySelector<HTMLElement>('[part="panel"]');
  const byId = (id: string) => host.renderRoot.getElementById(id);

  beforeEach(async () => {
    force = false;
    escapes = 0;
    host = mountHost();
    host.view = () =>
      html`<div part="panel" tabindex="-1" @keydown=${focus.onPanelKeydown}>
        <button id="first">First</button><button id="hidden" hidden>Hidden</button>
        <div style="display: none"><button id="undisplayed">Undisplayed</button></div>
        <button id="main" data-autofocus>Main</button><button id="off" disabled>Off</button><slot name="check"></slot
        ><button id="last">Last</button>
      </div>`;
    focus = new FocusController(host, { panel, force: () => force, onEscape: () => escapes++ });
    host.requestUpdate();
    await host.updateComplete;
  });

  afterEach(() => {
    focus.detach(false);
    document.body.replaceChildren();
  });

  it("after a view changes, puts focus on the view's main control", async () => {
    focus.request();
    host.requestUpdate();
    await host.updateComplete;
    expect(active()).to.equal(byId('main'));
  });

  it('leaves focus where the shopper put it inside the panel, unless forced', async () => {
    byId('last')!.focus();
    focus.request();
    host.requestUpdate();
    await host.updateComplete;
    expect(active(), 'kept').to.equal(byId('last'));
    force = true;
    focus.request();
    host.requestUpdate();
    await host.updateComplete;
    expect(active(), 'forced').to.equal(byId('main'));
  });

  it('on opening puts focus on the main control even when something else in the panel has it (showModal focuses the first)', async () => {
    byId('first')!.focus();
    focus.attach();
    focus.request();
    host.requestUpdate();
    await host.updateComplete;
    expect(active()).to.equal(byId('main'));
  });

  it('Tab and Shift+Tab visit the visible, enabled controls in order and wrap at both ends', async () => {
    byId('first')!.focus();
    const seen: (string | undefined)[] = [];
    for (let i = 0; i < 4; i++) {
      await sendKeys({ press: 'Tab' });
      seen.push(active()?.id);
    }
    expect(seen, 'Tab').to.deep.equal(['main', 'last', 'first', 'main']);
    seen.length = 0;
    for (let i = 0; i < 4; i++) {
      await pressChord(['Shift', 'Tab']);
      seen.push(active()?.id);
    }
    expect(seen, 'Shift+Tab').to.deep.equal(['first', 'last', 'main', 'first']);
  });

  it("visits the page's content slotted into the panel (Turnstile's challenge) in its place", async () => {
    const check = Object.assign(document.createElement('div'), { slot: 'check' });
    check.innerHTML = '<button id="challenge">Verify</button>';
    host.append(check);
    byId('main')!.focus();
    await sendKeys({ press: 'Tab' });
    expect(document.activeElement?.id, 'the slotted control, after main').to.equal('challenge');
    await pressChord(['Shift', 'Tab']);
    expect(active(), 'and back to main').to.equal(byId('main'));
  });

  it('takes WebKitGTK\'s Shift+Tab (key "Unidentified", code Tab) for a Tab', () => {
    byId('first')!.focus();
    const event = new KeyboardEvent('keydown', {
      key: 'Unidentified',
      code: 'Tab',
      shiftKey: true,
      bubbles: true,
      composed: true,
      cancelable: true,
    });
    byId('first')!.dispatchEvent(event);
    expect(event.defaultPrevented).to.equal(true);
    expect(active()).to.equal(byId('last'));
  });

  it('Esc closes while attached, with focus in the widget or nowhere in particular, not from a field of the page', async () => {
    const field = document.body.appendChild(document.createElement('input'));
    focus.attach();
    byId('main')!.focus();
    await sendKeys({ press: 'Escape' });
    expect(escapes, 'from inside the widget').to.equal(1);
    (document.activeElement as HTMLElement | null)?.blur();
    await sendKeys({ press: 'Escape' });
    expect(escapes, 'from the body').to.equal(2);
    field.focus();
    await sendKeys({ press: 'Escape' });
    expect(escapes, 'from a field of the page').to.equal(2);
    focus.detach(false);
    byId('main')!.focus();
    await sendKeys({ press: 'Escape' });
    expect(escapes, 'after detaching').to.equal(2);
  });

  it('gives focus back to the button after closing, when asked to', async () => {
    byId('main')!.focus();
    focus.detach(true);
    host.requestUpdate();
    await host.updateComplete;
    expect(active()).to.equal(host.buttonElement);
  });
});
