/// <reference types="mocha" />
/** FocusController on its own: into each new view, Tab kept in the sheet, Esc, back to the button. */
import { expect } from 'chai';
import { sendKeys } from '@web/test-runner-commands';
import { html } from 'lit/html.js';
import { FocusController } from '../../../src/element/controllers/focus.ts';
import { pressChord } from '../../browser-engine.ts';
import { mountHost, type TestHost } from './test-host.ts';

describe('FocusController', () => {
  let host: TestHost;
  let focus: FocusController;
  let trap = false;
  let force = false;
  let escapes = 0;
  const active = () => host.renderRoot.activeElement;
  const panel = () => host.renderRoot.querySelector<HTMLElement>('[part="panel"]');
  const byId = (id: string) => host.renderRoot.getElementById(id);

  beforeEach(async () => {
    trap = false;
    force = false;
    escapes = 0;
    host = mountHost();
    host.view = () =>
      html`<div part="panel" tabindex="-1" @keydown=${focus.onPanelKeydown}>
        <button id="first">First</button><button id="main" data-autofocus>Main</button><button id="last">Last</button>
      </div>`;
    focus = new FocusController(host, { panel, trap: () => trap, force: () => force, onEscape: () => escapes++ });
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

  it('keeps Tab inside the panel only while it traps (the modal sheet)', async () => {
    byId('last')!.focus();
    await sendKeys({ press: 'Tab' });
    expect(active(), 'not trapped: Tab leaves the panel').to.not.equal(byId('first'));
    trap = true;
    byId('last')!.focus();
    await sendKeys({ press: 'Tab' });
    expect(active(), 'trapped: from the last control to the first').to.equal(byId('first'));
    await pressChord(['Shift', 'Tab']);
    expect(active(), 'and back').to.equal(byId('last'));
  });

  it('keeps Shift+Tab inside when the key is "Unidentified" and only its code says Tab (WebKitGTK)', () => {
    trap = true;
    byId('first')!.focus();
    const event = new KeyboardEvent('keydown', {
      key: 'Unidentified',
      code: 'Tab',
      shiftKey: true,
      bubbles: true,
      cancelable: true,
      composed: true,
    });
    byId('first')!.dispatchEvent(event);
    expect(active(), 'from the first control back to the last').to.equal(byId('last'));
    expect(event.defaultPrevented, 'the browser does not move focus too').to.equal(true);
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
